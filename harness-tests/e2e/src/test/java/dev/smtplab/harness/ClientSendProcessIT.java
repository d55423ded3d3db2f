package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** smtplab send as a process: the body from standard input, the password from the environment, the progress bar on a terminal. */
@Timeout(120)
class ClientSendProcessIT {
    @TempDir
    Path data;
    private FakeSmtpServer server;

    @BeforeEach
    void start() {
        server = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")).authUser("alice", "s3cret")
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private List<String> smtplab(String... args) {
        List<String> command = new ArrayList<>(List.of(Peers.java(), Peers.hostsFileFlag(), "-jar",
                Peers.clientJar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void japanese_reaches_a_utf8_terminal_even_when_its_locale_is_not_installed() throws Exception {
        // LANG names a UTF-8 locale this machine need not have (containers rarely do): the JVM then
        // falls back to ASCII, and without care every Japanese character would print as "?".
        ProcessBuilder builder = new ProcessBuilder(smtplab("send", "--server", "localhost:" + server.port(),
                "--from", "alice@example.test", "--to", "bob@example.test"));
        builder.environment().remove("LC_ALL");
        builder.environment().remove("LC_CTYPE");
        builder.environment().remove("SMTPLAB_LANG");
        builder.environment().put("LANG", "ja_JP.UTF-8");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).startsWith("localhost:" + server.port() + " に送信しました: 250 2.0.0 Ok: queued as ");
    }

    @Test
    void body_from_standard_input_and_password_from_the_environment() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(smtplab("send", "--server", "localhost:" + server.port(),
                "--from", "alice@example.test", "--to", "bob@example.test", "--body", "-", "--starttls",
                "--ca-file", data.resolve("ca.pem").toString(), "--auth-user", "alice"));
        builder.environment().put("SMTPLAB_AUTH_PASSWORD", "s3cret");
        Process process = builder.redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write("a body piped in\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        var message = server.takeMessage(Duration.ofSeconds(5));
        assertThat(message.dataAsString()).contains("a body piped in");
        assertThat(message.authUser()).contains("alice");
    }

    /** send, session and diagnose share one --auth-user/--auth-password mixin, and so one answer. */
    @Test
    void missing_password_without_a_terminal_is_a_usage_error_in_every_command() throws Exception {
        for (List<String> command : List.of(
                List.of("send", "--server", "localhost:" + server.port(), "--from", "alice@example.test", "--to",
                        "bob@example.test", "--auth-user", "alice"),
                List.of("session", "localhost", Integer.toString(server.port()), "--auth-user", "alice"),
                List.of("diagnose", "localhost:" + server.port(), "--auth-user", "alice"))) {
            Process process = new ProcessBuilder(smtplab(command.toArray(String[]::new))).start();
            process.getOutputStream().close();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(
                    "smtplab " + command.get(0) + ": no password for --auth-user alice: give --auth-password, set "
                            + "SMTPLAB_AUTH_PASSWORD, or run on a terminal to be asked (see smtplab " + command.get(0)
                            + " --help)\n");
        }
    }

    @Test
    void on_a_terminal_the_password_is_asked_without_echo_and_load_mode_shows_a_progress_bar() throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.python(), Peers.script("pty_drive.py").toString(), "30", "--"));
        command.addAll(smtplab("send", "--server", "localhost:" + server.port(), "--from", "alice@example.test",
                "--to", "bob@example.test", "--starttls", "--insecure", "--auth-user", "alice", "--count", "200",
                "--concurrency", "2"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write("""
                    EXPECT password for alice:
                    SEND s3cret
                    EXPECT sent 200 of 200 messages
                    """.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String screen = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(screen).isZero();
        assertThat(screen).doesNotContain("s3cret").containsPattern("\\[#+\\.*\\] \\d+/200");
        assertThat(server.awaitMessages(200, Duration.ofSeconds(10))).hasSize(200);
        assertThat(server.messages().get(0).authUser()).contains("alice");
    }

}
