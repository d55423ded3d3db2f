package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * smtplab session typed by a person in a pseudo-terminal (pty_drive.py): raw DATA, Ctrl-C, Ctrl-D,
 * helpers after a message, a server that closes or stays silent. WITHIN steps bound how long the
 * screen may take to answer: a freeze fails them.
 */
@Timeout(120)
class SessionTerminalIT {
    private static final Duration WAIT = Duration.ofSeconds(5);
    @TempDir
    Path data;
    private FakeSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void start(FakeSmtpServer.Builder builder) {
        server = builder.build().start();
    }

    private record Screen(String text, Integer exitCode) {
    }

    private Screen type(String steps, String... sessionArgs) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("session"));
        arguments.addAll(List.of(sessionArgs));
        return run(steps, arguments.toArray(String[]::new));
    }

    private Screen run(String steps, String... smtplabArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.python(), Peers.script("pty_drive.py").toString(), "15",
                "--", "env", "TERM=xterm", "NO_COLOR=1", Peers.java(), Peers.hostsFileFlag(), "-jar",
                Peers.clientJar().toString()));
        command.addAll(List.of(smtplabArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(steps.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(process.waitFor(100, TimeUnit.SECONDS)).isTrue();
        String screen = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(screen).isZero();
        Matcher exit = Pattern.compile("\\[pty_drive] exit code (\\d+)").matcher(screen);
        return new Screen(screen, exit.find() ? Integer.valueOf(exit.group(1)) : null);
    }

    private String local() {
        return "127.0.0.1:" + server.port();
    }

    private RecordedSession ended() throws InterruptedException {
        return server.awaitSession(session -> session.ended().isPresent(), WAIT);
    }

    @Test
    void after_a_raw_data_message_the_helpers_answer_at_once_and_quit_is_quick() throws Exception {
        start(FakeSmtpServer.builder());
        Screen screen = type("""
                WITHIN 3 Trying 127\\.0\\.0\\.1\\.\\.\\.
                WITHIN 3 smtp> $
                SEND EHLO me.test
                WITHIN 1 250 CHUNKING
                SEND MAIL FROM:<alice@example.test>
                WITHIN 1 250 .*Ok.*smtp> $
                SEND RCPT TO:<bob@example.test>
                WITHIN 1 250 .*Ok.*smtp> $
                SEND DATA
                WITHIN 1 message mode.*data> $
                SEND Subject: by hand
                SEND
                SEND .leading dot
                WITHIN 1 loses that dot
                SEND .
                WITHIN 1 queued as 1
                SEND /explain
                WITHIN 1 1 is its queue id
                SEND /help
                WITHIN 1 /starttls
                SEND /quit
                WITHIN 1 221 .*Bye
                EXIT 2
                """, local());
        assertThat(screen.exitCode()).isZero();
        assertThat(server.takeMessage(WAIT).dataAsString()).isEqualTo("Subject: by hand\r\n\r\nleading dot\r\n");
        assertThat(ended().outcome()).isEqualTo(SessionOutcome.COMPLETED);
    }

    @Test
    void ctrl_c_at_the_prompt_says_quit_shows_the_221_and_exits() throws Exception {
        start(FakeSmtpServer.builder());
        Screen screen = type("""
                WITHIN 3 smtp> $
                SEND EHLO me.test
                WITHIN 1 250 CHUNKING
                KEY ctrl-c
                WITHIN 1 221 .*Bye
                EXIT 1
                """, local());
        assertThat(screen.exitCode()).isZero();
        assertThat(ended().outcome()).isEqualTo(SessionOutcome.CLIENT_QUIT);
    }

    @Test
    void ctrl_d_at_the_prompt_says_quit_shows_the_221_and_exits() throws Exception {
        start(FakeSmtpServer.builder());
        Screen screen = type("""
                WITHIN 3 smtp> $
                KEY ctrl-d
                WITHIN 1 221 .*Bye
                EXIT 1
                """, local());
        assertThat(screen.exitCode()).isZero();
        assertThat(ended().outcome()).isEqualTo(SessionOutcome.CLIENT_QUIT);
    }

    @Test
    void ctrl_c_inside_the_data_helper_sends_nothing_and_drops_only_when_confirmed() throws Exception {
        start(FakeSmtpServer.builder());
        Screen screen = type("""
                WITHIN 3 smtp> $
                SEND MAIL FROM:<alice@example.test>
                WITHIN 1 250 .*Ok
                SEND RCPT TO:<bob@example.test>
                WITHIN 1 250 .*Ok.*smtp> $
                SEND /data
                WITHIN 1 data> $
                SEND Subject: half written
                KEY ctrl-c
                WITHIN 1 drop the connection\\? \\[y/N]
                SEND n
                WITHIN 1 data> $
                KEY ctrl-c
                WITHIN 1 drop the connection\\? \\[y/N] $
                SEND y
                WITHIN 1 connection dropped
                EXIT 1
                """, local());
        assertThat(screen.text()).contains("nothing of this message has been sent yet")
                .contains("the only ways out are a line with only \".\"");
        assertThat(screen.exitCode()).isZero();
        ended();
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void ctrl_c_in_raw_message_mode_offers_to_drop_and_no_message_is_kept() throws Exception {
        start(FakeSmtpServer.builder());
        Screen screen = type("""
                WITHIN 3 smtp> $
                SEND MAIL FROM:<alice@example.test>
                WITHIN 1 250 .*Ok.*smtp> $
                SEND RCPT TO:<bob@example.test>
                WITHIN 1 250 .*Ok.*smtp> $
                SEND DATA
                WITHIN 1 data> $
                SEND Subject: raw
                SEND not a header
                WITHIN 1 not a header line
                KEY ctrl-c
                WITHIN 1 drop the connection\\? \\[y/N] $
                SEND y
                EXIT 1
                """, local());
        assertThat(screen.exitCode()).isZero();
        ended();
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void the_servers_idle_timeout_ends_the_session_at_once_with_no_java_exception() throws Exception {
        start(FakeSmtpServer.builder().idleTimeout(Duration.ofSeconds(2)));
        Screen screen = type("""
                WITHIN 3 smtp> $
                WITHIN 4 idle timeout
                EXIT 1
                """, local());
        assertThat(screen.text()).contains("421 4.4.2 localhost Error: timeout exceeded").doesNotContain("Exception");
        assertThat(screen.exitCode()).isEqualTo(6);
    }

    @Test
    void a_refused_greeting_ends_the_session_saying_so() throws Exception {
        start(FakeSmtpServer.builder().scenario(Scenario.builder().preset("reject-connection").build()));
        Screen screen = type("""
                WITHIN 3 554 5\\.7\\.1
                WITHIN 1 refused the session with 554
                EXIT 1
                """, local());
        assertThat(screen.exitCode()).isEqualTo(21);
    }

    @Test
    void a_silent_server_is_explained_and_quit_does_not_wait_for_it() throws Exception {
        start(FakeSmtpServer.builder().scenario(Scenario.builder().preset("silent").build()));
        Screen screen = type("""
                WITHIN 3 Connected to
                WITHIN 9 no greeting after 5 s.*says nothing
                SEND /quit
                WITHIN 3 no answer to QUIT within 2 s
                EXIT 2
                """, local());
        assertThat(screen.exitCode()).isZero();
    }

    @Test
    void starttls_trusts_the_local_smtp_lab_ca_from_the_data_folder() throws Exception {
        start(FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")));
        Screen screen = type("""
                WITHIN 3 smtp> $
                SEND EHLO me.test
                WITHIN 1 250 CHUNKING
                SEND /starttls
                WITHIN 2 smtp\\+tls> $
                SEND /quit
                WITHIN 1 221 .*Bye
                EXIT 1
                """, "--data-dir", data.toString(), local());
        assertThat(screen.text()).contains("(TLS started: TLSv1.3").contains("(trusting the local SMTP Lab CA from "
                + data.resolve("ca.pem") + " as well as the system's CAs)").doesNotContain("WARNING");
        assertThat(ended().tlsProtocol()).isEqualTo("TLSv1.3");
    }

    @Test
    void an_unverified_certificate_is_a_warning_and_auth_asks_before_sending_a_password(@TempDir Path elsewhere)
            throws Exception {
        start(FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")).authUser("alice", "s3cret"));
        Screen screen = type("""
                WITHIN 3 smtp> $
                SEND EHLO me.test
                WITHIN 1 250 CHUNKING
                SEND /starttls
                WITHIN 2 WARNING: the server's certificate does not verify
                WITHIN 2 smtp\\+tls> $
                SEND /auth plain alice
                WITHIN 1 password: $
                SEND s3cret
                WITHIN 1 send the password anyway\\? \\[y/N] $
                SEND n
                WITHIN 1 no password sent
                SEND /quit
                WITHIN 1 221 .*Bye
                EXIT 1
                """, "--data-dir", elsewhere.toString(), local());
        assertThat(screen.text()).contains("no trusted CA issued it");
        assertThat(ended().authUser()).isNull();
    }

    @Test
    void a_helper_that_must_wait_says_for_which_reply() throws Exception {
        start(FakeSmtpServer.builder().scenario(Scenario.builder().rule(dev.smtplab.server.scenario.Rule.at("slow-rcpt",
                dev.smtplab.server.scenario.SmtpStage.RCPT, new dev.smtplab.server.scenario.Effect.Delay(
                        Duration.ofSeconds(4)))).build()));
        Screen screen = type("""
                WITHIN 3 smtp> $
                SEND MAIL FROM:<alice@example.test>
                WITHIN 1 250 .*Ok
                SEND RCPT TO:<bob@example.test>
                SEND /data
                WITHIN 4 waiting for the reply to RCPT TO:<bob@example\\.test> \\.\\.\\. 3 s
                WITHIN 3 354
                SEND Subject: waited
                SEND .
                WITHIN 1 queued as
                SEND /quit
                WITHIN 1 221 .*Bye
                EXIT 1
                """, local());
        assertThat(screen.exitCode()).isZero();
        assertThat(server.takeMessage(WAIT).subject()).contains("waited");
    }

    @Test
    void diagnose_on_a_terminal_says_what_it_is_still_waiting_for() throws Exception {
        start(FakeSmtpServer.builder().scenario(Scenario.builder().preset("silent").build()));
        Screen screen = run("""
                WITHIN 8 still checking 127\\.0\\.0\\.1:\\d+: connected, waiting for the banner, \\d s
                EXIT 10
                """, "diagnose", local(), "--timeout-reply", "5");
        assertThat(screen.text()).contains("Verdict: error");
    }

    /** Like telnet: "Trying" at once, not a blank screen while a filtered port lets the connect time out. */
    @Test
    void a_blocked_port_shows_trying_at_once_then_says_what_blocked_means() throws Exception {
        start(FakeSmtpServer.builder().scenario(Scenario.builder().preset("blocked").build()));
        Screen screen = type("""
                WITHIN 3 Trying 127\\.0\\.0\\.1\\.\\.\\.
                WITHIN 4 no answer from 127\\.0\\.0\\.1 port \\d+ after 2 s: a firewall may be dropping traffic
                EXIT 2
                """, "--timeout-connect", "2", local());
        assertThat(screen.exitCode()).isEqualTo(3);
    }
}
