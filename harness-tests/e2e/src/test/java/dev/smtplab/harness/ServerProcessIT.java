package dev.smtplab.harness;

import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.SmtpConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged server as people run it: java -jar, and the ./smtplab launcher. */
@Timeout(120)
class ServerProcessIT {
    private static final Pattern LISTENING =
            Pattern.compile("SMTP Lab listening on smtp://127\\.0\\.0\\.1:(\\d+) as localhost \\(Ctrl-C to stop\\)");

    @Test
    void jar_prints_where_it_listens_serves_smtp_and_stops_cleanly_on_ctrl_c() throws Exception {
        Path data = Files.createTempDirectory("smtplab-data");
        Process server = new ProcessBuilder(Peers.java(), "-jar", Peers.serverJar().toString(), "--smtp-port", "0",
                "--web-port", "0", "--data-dir", data.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            Matcher listening = LISTENING.matcher(output.readLine());
            assertThat(listening.matches()).isTrue();
            int port = Integer.parseInt(listening.group(1));
            assertThat(output.readLine()).matches("web UI and API on http://127\\.0\\.0\\.1:\\d+");
            assertThat(output.readLine()).isEqualTo("messages kept in " + data.resolve("smtplab.db").toAbsolutePath()
                    + " (0 stored; --store memory keeps none)");

            try (SmtpConnection smtp = SmtpConnection.connect("127.0.0.1", port, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
                assertThat(smtp.readReply()).isEqualTo(Reply.of(220, "localhost ESMTP SMTP Lab"));
                assertThat(smtp.command("QUIT").code()).isEqualTo(221);
            }

            interrupt(server);
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(output.readLine()).isEqualTo("SMTP Lab stopped (0 message(s) recorded)");
            assertThat(output.readLine()).isNull();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void port_in_use_is_one_line_and_exit_1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process server = new ProcessBuilder(Peers.java(), "-jar", Peers.serverJar().toString(),
                    "--smtp-port", Integer.toString(taken.getLocalPort()), "--no-tls", "--no-web").start();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isEqualTo(1);
            assertThat(new String(server.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("smtplab-server: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + ": the port is already in use\n");
        }
    }

    @Test
    void export_ca_writes_the_local_ca_and_users_file_logs_in(@org.junit.jupiter.api.io.TempDir Path folder) throws Exception {
        Path users = folder.resolve("users.txt");
        Files.writeString(users, "# who may log in\nalice:s3cret\n");
        Path exported = folder.resolve("exported-ca.pem");
        Process server = new ProcessBuilder(Peers.java(), "-jar", Peers.serverJar().toString(), "--smtp-port", "0",
                "--no-web", "--data-dir", folder.resolve("data").toString(), "--export-ca", exported.toString(),
                "--auth-users-file", users.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            Matcher listening = LISTENING.matcher(output.readLine());
            assertThat(listening.matches()).isTrue();
            assertThat(output.readLine()).isEqualTo("local CA certificate written to " + exported);
            assertThat(Files.readString(exported)).isEqualTo(Files.readString(folder.resolve("data/ca.pem")));
            ClientRun run = ClientRun.send(Integer.parseInt(listening.group(1)), "--starttls", "--ca-file",
                    exported.toString(), "--auth-user", "alice", "--auth-password", "s3cret");
            assertThat(run.exitCode()).as(run.err()).isZero();
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void launcher_runs_the_built_server() throws Exception {
        Peers.serverJar();
        Process launcher = new ProcessBuilder(Peers.root().resolve("smtplab").toString(), "server", "--version")
                .redirectErrorStream(true).start();
        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).endsWith("smtplab-server 0.1.0-SNAPSHOT\n");
        assertThat(launcher.exitValue()).isZero();
    }

    @Test
    void the_launcher_makes_a_class_data_sharing_archive_once_and_starts_without_it_when_it_is_damaged()
            throws Exception {
        Path archive = Peers.serverJar().resolveSibling("smtplab-server.jsa");
        Files.deleteIfExists(archive);
        String first = launch("server", "--version");
        assertThat(first).isEqualTo("smtplab: preparing a faster start (once per build)...\nsmtplab-server 0.1.0-SNAPSHOT\n");
        assertThat(archive).isRegularFile();
        assertThat(launch("server", "--version")).as("made once").isEqualTo("smtplab-server 0.1.0-SNAPSHOT\n");

        Files.delete(archive);
        Files.writeString(archive, "not an archive");
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                + 60_000));
        assertThat(launch("server", "--version")).as("a damaged archive is passed over, silently")
                .isEqualTo("smtplab-server 0.1.0-SNAPSHOT\n");
        Files.delete(archive);
    }

    private static String launch(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Peers.root().resolve("smtplab").toString());
        command.addAll(List.of(args));
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(launcher.exitValue()).as(output).isZero();
        return output;
    }

    /**
     * Ctrl-C is SIGINT. A process started from a non-interactive shell's background job inherits
     * SIGINT as ignored, and Java then cannot see it; there only SIGTERM (also what Docker sends) can stop it.
     */
    private static void interrupt(Process process) throws IOException, InterruptedException {
        String signal = sigintIgnored(process.pid()) ? "-TERM" : "-INT";
        new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    private static boolean sigintIgnored(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return false;
        }
        List<String> lines = Files.readAllLines(status);
        for (String line : lines) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                return (mask & (1L << 1)) != 0;
            }
        }
        return false;
    }
}
