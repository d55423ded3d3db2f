package dev.smtplab.server;

import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Guessing passwords is slow and short-lived, and no secret reaches a transcript however it is sent. */
class AuthLimitsTest {
    private static final String RIGHT = plain("alice", "s3cret");
    private FakeSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private RawSmtp greeted() throws Exception {
        RawSmtp smtp = new RawSmtp(server.port());
        smtp.reply();
        smtp.command("EHLO client.test");
        return smtp;
    }

    @Test
    void after_three_failed_logins_the_next_auth_gets_421_and_the_connection_closes() throws Exception {
        server = FakeSmtpServer.builder().authUser("alice", "s3cret").allowPlaintextAuth().build().start();
        try (RawSmtp smtp = greeted()) {
            for (int i = 1; i <= 3; i++) {
                assertThat(smtp.command("AUTH PLAIN " + plain("alice", "guess" + i)))
                        .isEqualTo("535 5.7.8 Authentication credentials invalid");
            }
            assertThat(smtp.command("AUTH PLAIN " + RIGHT))
                    .isEqualTo("421 4.7.0 localhost Error: too many failed authentications");
            assertThat(smtp.reply()).as("closed").isNull();
        }
        RecordedSession session = server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
        assertThat(session.outcomeDetail())
                .isEqualTo("the client failed to log in 3 times, the most a session may (--max-auth-failures)");
        assertThat(session.transcriptText()).doesNotContain("guess", plain("alice", "guess1"));
    }

    @Test
    void an_address_with_three_recent_failures_waits_before_each_auth_and_the_right_password_still_works()
            throws Exception {
        server = FakeSmtpServer.builder().authUser("alice", "s3cret").allowPlaintextAuth().build().start();
        try (RawSmtp smtp = greeted()) {
            for (int i = 1; i <= 3; i++) {
                smtp.command("AUTH PLAIN " + plain("alice", "guess" + i));
            }
        }
        try (RawSmtp smtp = greeted()) {
            long started = System.nanoTime();
            assertThat(smtp.command("AUTH PLAIN " + RIGHT)).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("slowed down")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        }
        RecordedSession second = server.awaitSession(s -> s.connectionIndex() == 2 && s.ended().isPresent(),
                Duration.ofSeconds(5));
        assertThat(second.transcriptText()).contains("-- AUTH waits 1 s: 3 failed logins from 127.0.0.1 in the last "
                + "10 minutes");
    }

    @Test
    void an_auth_answer_pipelined_past_a_refusal_never_reaches_the_transcript(@TempDir Path data) throws Exception {
        // AUTH over plain text is refused (538) when TLS is offered, so the pipelined answer arrives as a command.
        server = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")).authUser("alice", "s3cret")
                .build().start();
        try (RawSmtp smtp = greeted()) {
            smtp.send("AUTH PLAIN\r\n" + RIGHT + "\r\nAUTH LOGIN\r\n" + Base64.getEncoder().encodeToString(
                    "alice".getBytes(StandardCharsets.UTF_8)) + "\r\n");
            assertThat(smtp.reply()).startsWith("538 5.7.11");
            assertThat(smtp.reply()).startsWith("500 5.5.2");
            assertThat(smtp.reply()).startsWith("538 5.7.11");
            assertThat(smtp.reply()).startsWith("500 5.5.2");
            smtp.command("QUIT");
        }
        RecordedSession session = server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
        assertThat(session.transcriptText()).doesNotContain(RIGHT).doesNotContain("YWxpY2U")
                .contains("C: ****   [an AUTH answer sent before the server asked for it; not shown]");
    }
}
