package dev.smtplab.server;

import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.SessionOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client cannot hold a session forever: junk commands become errors past Postfix's limit, a
 * message forgives them, and deadlines that trickling cannot stretch end a slow session with 421.
 */
class SessionLimitsTest {
    private static final String TIMEOUT_REPLY = "421 4.4.2 localhost Error: timeout exceeded";

    private FakeSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private RecordedSession endedSession() throws InterruptedException {
        return server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
    }

    @Test
    void past_101_junk_commands_each_counts_as_an_error_and_20_more_end_the_session() throws Exception {
        server = FakeSmtpServer.builder().build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            // Postfix's test is junk_cmds++ > 100: the 102nd is the first to count, the 121st the 20th.
            for (int i = 1; i <= 121; i++) {
                assertThat(smtp.command(i % 2 == 0 ? "NOOP" : "RSET")).as("command %d", i).startsWith("250 ");
            }
            assertThat(smtp.command("NOOP")).isEqualTo("421 4.7.0 localhost Error: too many errors");
            assertThat(smtp.closedByServer()).isTrue();
        }
        assertThat(endedSession().outcomeDetail()).isEqualTo("the client made 20 errors, the most a session may make");
    }

    @Test
    void a_flood_of_100000_recipients_ends_after_the_limit_and_20_refusals() throws Exception {
        server = FakeSmtpServer.builder().build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            int accepted = 0;
            int refused = 0;
            String reply = null;
            for (int i = 0; i < 100_000; i++) {
                reply = smtp.command("RCPT TO:<r" + i + "@example.test>");
                if (reply.startsWith("250 ")) {
                    accepted++;
                } else if (reply.startsWith("452 4.5.3")) {
                    refused++;
                } else {
                    break;
                }
            }
            assertThat(accepted).isEqualTo(1000);
            assertThat(refused).isEqualTo(20);
            assertThat(reply).isEqualTo("421 4.7.0 localhost Error: too many errors");
        }
    }

    @Test
    void an_accepted_message_forgives_errors_and_junk_as_postfix_does() throws Exception {
        server = FakeSmtpServer.builder().build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            for (int i = 0; i < 19; i++) {
                assertThat(smtp.command("FOO")).startsWith("500 ");
            }
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: x\r\n\r\nbody\r\n.")).startsWith("250 ");
            for (int i = 0; i < 19; i++) {
                assertThat(smtp.command("FOO")).startsWith("500 ");
            }
            assertThat(smtp.command("NOOP")).as("38 errors in all, 19 since the message").startsWith("250 ");
        }
    }

    @Test
    void a_command_line_trickled_a_byte_at_a_time_meets_the_command_timeout() throws Exception {
        server = FakeSmtpServer.builder()
                .timeouts(Duration.ofMillis(400), Duration.ofSeconds(30), Duration.ofHours(1)).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(trickleUntilClosed(smtp)).isEqualTo(TIMEOUT_REPLY);
        }
        RecordedSession session = endedSession();
        assertThat(session.outcome()).isEqualTo(SessionOutcome.TIMED_OUT);
        assertThat(session.outcomeDetail())
                .isEqualTo("no complete command line within 400 ms of the previous reply (--command-timeout)");
    }

    @Test
    void message_content_trickled_a_byte_at_a_time_meets_the_data_timeout() throws Exception {
        server = FakeSmtpServer.builder()
                .timeouts(Duration.ofSeconds(30), Duration.ofMillis(400), Duration.ofHours(1)).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            assertThat(trickleUntilClosed(smtp)).isEqualTo(TIMEOUT_REPLY);
        }
        RecordedSession session = endedSession();
        assertThat(session.outcomeDetail()).isEqualTo("the message content did not arrive within 400 ms (--data-timeout)");
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void a_session_of_quick_commands_meets_the_session_time() throws Exception {
        server = FakeSmtpServer.builder()
                .timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(600)).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            String reply = null;
            long ends = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < ends) {
                reply = smtp.command("NOOP");
                if (!reply.startsWith("250 ")) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(reply).isEqualTo(TIMEOUT_REPLY);
        }
        assertThat(endedSession().outcomeDetail()).isEqualTo("the session lasted longer than 600 ms (--max-session-time)");
    }

    @Test
    void the_lenient_mode_keeps_the_library_s_wording_but_the_same_deadline() throws Exception {
        server = FakeSmtpServer.builder().lenient()
                .timeouts(Duration.ofMillis(400), Duration.ofSeconds(30), Duration.ofHours(1)).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(trickleUntilClosed(smtp)).isEqualTo("421 Timeout waiting for data from client.");
        }
    }

    /** Sends "X" every 50 ms, never a line end, until the server answers; returns that reply. */
    private static String trickleUntilClosed(RawSmtp smtp) throws Exception {
        smtp.replyTimeout(Duration.ofMillis(50));
        long ends = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < ends) {
            try {
                smtp.send("X");
            } catch (java.io.IOException closed) {
                break;
            }
            try {
                String reply = smtp.reply();
                if (reply != null) {
                    return reply;
                }
            } catch (java.net.SocketTimeoutException stillOpen) {
                // nothing yet: trickle on
            }
        }
        smtp.replyTimeout(Duration.ofSeconds(5));
        return smtp.reply();
    }
}
