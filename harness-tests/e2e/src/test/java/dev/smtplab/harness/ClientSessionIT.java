package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** smtplab session as people use it: typed on a terminal, or fed from a pipe. */
@Timeout(120)
class ClientSessionIT {
    private FakeSmtpServer server;

    @BeforeEach
    void start() {
        server = FakeSmtpServer.builder().build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private record Result(int exitCode, String out, String err) {
    }

    private Result session(String input, Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.java(), Peers.hostsFileFlag(), "-jar",
                Peers.clientJar().toString(), "session"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the session ends").isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void piped_dialogue_is_sent_line_by_line_and_data_is_dot_stuffed() throws Exception {
        Result result = session("""
                EHLO piped.test
                MAIL FROM:<alice@example.test>
                RCPT TO:<bob@example.test>
                /data
                Subject: piped

                .leading dot survives
                ..two dots survive
                last line
                .
                QUIT
                """, Map.of(), "127.0.0.1", Integer.toString(server.port()));
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("220 localhost ESMTP SMTP Lab\n250-localhost\n")
                .contains("354 End data with <CR><LF>.<CR><LF>\n")
                .containsPattern("250 2\\.0\\.0 Ok: queued as \\d+\\n221 2\\.0\\.0 Bye\\n");
        RecordedMessage message = server.takeMessage(Duration.ofSeconds(5));
        assertThat(message.dataAsString())
                .isEqualTo("Subject: piped\r\n\r\n.leading dot survives\r\n..two dots survive\r\nlast line\r\n");
        assertThat(message.helo()).contains("piped.test");
    }

    @Test
    void piped_starttls_and_auth_helpers_upgrade_and_log_in(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
            throws Exception {
        server.stop();
        server = FakeSmtpServer.builder().tls(dev.smtplab.server.tls.TlsMaterial.localCa(data, "localhost"))
                .authUser("alice", "s3cret").build().start();
        Result result = session("""
                EHLO piped.test
                /starttls
                /auth login alice
                s3cret
                QUIT
                """, Map.of(), "--ca-file", data.resolve("ca.pem").toString(), "localhost",
                Integer.toString(server.port()));
        assertThat(result.out()).contains("220 2.0.0 Ready to start TLS\n(TLS started: TLSv1.3, ")
                .contains("250-AUTH PLAIN LOGIN CRAM-MD5").contains("235 2.7.0 Authentication successful")
                .doesNotContain("s3cret");
        var session = server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
        assertThat(session.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(session.authUser()).isEqualTo("alice");
    }

    @Test
    void starttls_and_auth_flags_prepare_the_session_before_handing_over(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data)
            throws Exception {
        server.stop();
        server = FakeSmtpServer.builder().tls(dev.smtplab.server.tls.TlsMaterial.localCa(data, "localhost"))
                .authUser("alice", "s3cret").requireAuth().build().start();
        Result result = session("MAIL FROM:<alice@example.test>\nQUIT\n", Map.of(), "--starttls", "--ca-file",
                data.resolve("ca.pem").toString(), "--auth-user", "alice", "--auth-password", "s3cret", "localhost",
                Integer.toString(server.port()));
        assertThat(result.out()).contains("(TLS started: TLSv1.3").contains("235 2.7.0 Authentication successful")
                .contains("250 2.1.0 Ok\n221 2.0.0 Bye");
        Result both = session("", Map.of(), "--tls", "--starttls", "localhost", Integer.toString(server.port()));
        assertThat(both.exitCode()).isEqualTo(1);
        assertThat(both.err()).isEqualTo("smtplab session: --tls and --starttls do not go together: TLS is on from "
                + "the start with --tls (see smtplab session --help)\n");
    }

    @Test
    void explain_flag_explains_every_reply() throws Exception {
        Result result = session("MAIL FROM:<reject-550-5.1.1@example.test>\nQUIT\n", Map.of(), "--explain",
                "127.0.0.1", Integer.toString(server.port()));
        assertThat(result.out()).contains("550 5.1.1 <reject-550-5.1.1@example.test>")
                .contains("  # permanent failure: the same command will fail again")
                .contains("  # 5.1.1: permanent, the mailbox does not exist: unknown user");
    }

    @Test
    void host_colon_port_is_accepted_as_send_and_diagnose_accept_it() throws Exception {
        Result result = session("NOOP\nQUIT\n", Map.of(), "127.0.0.1:" + server.port());
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("220 localhost ESMTP SMTP Lab\n250 2.0.0 Ok\n221 2.0.0 Bye\n");
        assertThat(result.err()).isEqualTo("Trying 127.0.0.1...\nConnected to 127.0.0.1 (127.0.0.1) port "
                + server.port() + ".\n");
    }

    @Test
    void a_script_without_quit_still_leaves_politely_at_its_end() throws Exception {
        long started = System.nanoTime();
        Result result = session("EHLO piped.test\nNOOP\n", Map.of(), "127.0.0.1", Integer.toString(server.port()));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("250 2.0.0 Ok\n(leaving: QUIT)\n221 2.0.0 Bye\n");
        assertThat(server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5)).outcome())
                .isEqualTo(dev.smtplab.server.record.SessionOutcome.CLIENT_QUIT);
    }

    @Test
    void a_script_that_ends_inside_a_message_sends_no_message() throws Exception {
        Result result = session("MAIL FROM:<a@example.test>\nRCPT TO:<b@example.test>\nDATA\nSubject: cut\n",
                Map.of(), "127.0.0.1", Integer.toString(server.port()));
        assertThat(result.out()).contains("the input ended inside a message: dropping the connection");
        server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void a_silent_server_makes_a_script_fail_saying_why() throws Exception {
        server.stop();
        server = FakeSmtpServer.builder().scenario(dev.smtplab.server.scenario.Scenario.builder().preset("silent")
                .build()).build().start();
        Result result = session("EHLO piped.test\n", Map.of(), "--timeout-reply", "7", "127.0.0.1",
                Integer.toString(server.port()));
        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.out()).contains("no greeting after 5 s").contains("(no greeting within 7 s; giving up)");
    }

    @Test
    void plain_text_to_an_implicit_tls_port_and_tls_to_a_plain_port_are_named(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path data) throws Exception {
        server.stop();
        server = FakeSmtpServer.builder().tls(dev.smtplab.server.tls.TlsMaterial.localCa(data, "localhost"))
                .implicitTlsPort(0).build().start();
        Result plainToTls = session("EHLO piped.test\n", Map.of(), "127.0.0.1",
                Integer.toString(server.implicitTlsPort()));
        assertThat(plainToTls.exitCode()).isEqualTo(5);
        assertThat(plainToTls.out()).contains("this port speaks TLS from the first byte").contains("--tls")
                .doesNotContain("??");
        Result tlsToPlain = session("QUIT\n", Map.of(), "--tls", "127.0.0.1", Integer.toString(server.port()));
        assertThat(tlsToPlain.exitCode()).isEqualTo(5);
        assertThat(tlsToPlain.err()).contains("this port speaks plain SMTP. Start the session without --tls, then "
                + "type /starttls");
        Result tlsToTls = session("EHLO piped.test\nQUIT\n", Map.of(), "--tls", "--data-dir", data.toString(),
                "127.0.0.1", Integer.toString(server.implicitTlsPort()));
        assertThat(tlsToTls.exitCode()).isZero();
        assertThat(tlsToTls.out()).contains("250 CHUNKING\n221 2.0.0 Bye");
    }

    @Test
    void refused_connection_is_explained() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Result result = session("", Map.of(), "127.0.0.1", Integer.toString(port));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("Trying 127.0.0.1...\nsmtplab session: connection refused: nothing listens "
                + "on port " + port + " at 127.0.0.1\n");
    }

    @Test
    void unknown_host_is_explained() throws Exception {
        Result result = session("", Map.of(), "nowhere.smtplab.test", "25");
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).isEqualTo("smtplab session: host name not found: nowhere.smtplab.test does not "
                + "resolve to an address\n");
    }

    private String terminal(String steps, String... environment) throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.python(), Peers.script("pty_drive.py").toString(), "20", "--",
                "env"));
        command.addAll(List.of(environment));
        command.addAll(List.of(Peers.java(), Peers.hostsFileFlag(), "-jar", Peers.clientJar().toString(), "session",
                "127.0.0.1", Integer.toString(server.port())));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(steps.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String screen = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(screen).isZero();
        return screen;
    }

    @Test
    void terminal_session_prompts_colours_replies_and_explains() throws Exception {
        String screen = terminal("""
                EXPECT smtp> 
                SEND EHLO tty.test
                EXPECT 250 CHUNKING
                SEND RCPT TO:<bob@example.test>
                EXPECT 503
                SEND /explain
                EXPECT send the commands in order
                SEND /quit
                EXPECT 221 2.0.0 Bye
                """, "TERM=xterm");
        assertThat(screen).contains("Trying 127.0.0.1...").contains("Connected to 127.0.0.1 (127.0.0.1) port "
                        + server.port() + ".").contains("/help for helpers, /quit (or Ctrl-C, Ctrl-D) to leave")
                .contains("\u001b[32m250 CHUNKING")
                .contains("\u001b[31m503 5.5.1 Error: need MAIL command")
                .contains("hint: send the commands in order: EHLO, MAIL FROM, RCPT TO, DATA");
    }

    @Test
    void terminal_session_is_plain_with_no_color() throws Exception {
        String screen = terminal("""
                EXPECT smtp> 
                SEND NOOP
                EXPECT 250 2.0.0 Ok
                SEND /quit
                EXPECT 221 2.0.0 Bye
                """, "TERM=xterm", "NO_COLOR=1");
        assertThat(screen).contains("250 2.0.0 Ok").doesNotContain("\u001b[32m");
    }

    @Test
    void terminal_auth_asks_for_the_password_without_echo_and_masks_it() throws Exception {
        server.stop();
        server = FakeSmtpServer.builder().scenario(dev.smtplab.server.scenario.Scenario.builder()
                .rule(dev.smtplab.server.scenario.Rule.at("ok", dev.smtplab.server.scenario.SmtpStage.AUTH,
                        new dev.smtplab.server.scenario.Effect.Reply(
                                dev.smtplab.server.scenario.SmtpReply.parse("235 2.7.0 Authentication successful"))))
                .build()).build().start();
        String screen = terminal("""
                EXPECT smtp> 
                SEND /auth plain alice
                EXPECT password: 
                SEND hunter2
                EXPECT 235
                SEND /save /tmp/smtplab-auth-transcript.txt
                EXPECT transcript saved
                SEND /quit
                EXPECT 221 2.0.0 Bye
                """, "TERM=xterm");
        assertThat(screen).doesNotContain("hunter2");
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("/tmp/smtplab-auth-transcript.txt")))
                .contains("C: AUTH PLAIN ****").doesNotContain("AGFsaWNlAGh1bnRlcjI=");
        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of("/tmp/smtplab-auth-transcript.txt"));
    }

}
