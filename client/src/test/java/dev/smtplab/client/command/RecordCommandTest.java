package dev.smtplab.client.command;

import dev.smtplab.client.Main;
import dev.smtplab.server.FakeSmtpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** smtplab record refuses at once, in one line that names the problem, what it cannot record; and writes nothing. */
class RecordCommandTest {
    @TempDir
    Path folder;

    private record Run(int exitCode, String out, String err) {
    }

    private Run record(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "record";
        System.arraycopy(args, 0, all, 1, args.length);
        CommandLine commandLine = Main.commandLine(all);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(all);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    @Test
    void a_server_that_refuses_is_filtered_or_stays_silent_is_named_with_the_reason() throws Exception {
        Path out = folder.resolve("r.yaml");
        Run refused = record("--upstream", "127.0.0.1:" + freePort(), "--out", out.toString(), "--data-dir",
                folder.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("refused").hasLineCount(1);

        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run quiet = record("--upstream", "127.0.0.1:" + silent.getLocalPort(), "--timeout-reply", "1", "--out",
                    out.toString(), "--data-dir", folder.toString());
            assertThat(quiet.exitCode()).isEqualTo(6);
            assertThat(quiet.err()).isEqualTo("smtplab record: 127.0.0.1:" + silent.getLocalPort() + " accepted the "
                    + "connection but sent no greeting within 1 s: if it speaks TLS from the first byte (port 465), "
                    + "add --tls\n");
        }
        FakeSmtpServer blocked = FakeSmtpServer.builder().scenario(dev.smtplab.server.scenario.Scenario.builder()
                .preset("blocked").build()).build().start();
        try {
            Run filtered = record("--upstream", "127.0.0.1:" + blocked.port(), "--timeout-connect", "1", "--out",
                    out.toString(), "--data-dir", folder.toString());
            assertThat(filtered.exitCode()).isEqualTo(3);
            assertThat(filtered.err()).startsWith("smtplab record: ").hasLineCount(1);
        } finally {
            blocked.stop();
        }
        assertThat(out).doesNotExist();
    }

    @Test
    void tls_asked_of_a_plain_server_fails_as_tls() throws Exception {
        FakeSmtpServer plain = FakeSmtpServer.builder().build().start();
        try {
            Run run = record("--upstream", "127.0.0.1:" + plain.port(), "--tls", "--timeout-reply", "3", "--out",
                    folder.resolve("r.yaml").toString(), "--data-dir", folder.toString());
            assertThat(run.exitCode()).isEqualTo(5);
            assertThat(run.err()).startsWith("smtplab record: ").contains("TLS").hasLineCount(1);
        } finally {
            plain.stop();
        }
    }

    @Test
    void a_port_in_use_a_folder_that_is_not_there_and_a_bad_upstream_are_named() throws Exception {
        FakeSmtpServer real = FakeSmtpServer.builder().build().start();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path out = folder.resolve("r.yaml");
            Run inUse = record("--upstream", "127.0.0.1:" + real.port(), "--listen",
                    Integer.toString(taken.getLocalPort()), "--out", out.toString(), "--data-dir", folder.toString());
            assertThat(inUse.exitCode()).isEqualTo(1);
            assertThat(inUse.err()).isEqualTo("smtplab record: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": the port is already in use\n");
            assertThat(out).doesNotExist();

            Run noFolder = record("--upstream", "127.0.0.1:" + real.port(), "--out",
                    folder.resolve("missing/r.yaml").toString());
            assertThat(noFolder.exitCode()).isEqualTo(1);
            assertThat(noFolder.err()).startsWith("smtplab record: --out " + folder.resolve("missing/r.yaml")
                    + ": cannot write there (no writable folder");

            Run badUpstream = record("--upstream", "127.0.0.1:99999");
            assertThat(badUpstream.exitCode()).isEqualTo(1);
            assertThat(badUpstream.err()).startsWith("smtplab record: --upstream: ").contains("99999");
        } finally {
            real.stop();
        }
        assertThat(Files.list(folder).filter(path -> path.toString().endsWith(".part"))).isEmpty();
    }
}
