package dev.smtplab.server;

import dev.smtplab.server.record.Direction;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.record.TranscriptLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SessionRecordingTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private FakeSmtpServer server = FakeSmtpServer.builder().build().start();

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void client_that_connects_and_leaves_without_a_word_leaves_a_dropped_session() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        }
        RecordedSession session = ended();
        assertThat(session.outcome()).isEqualTo(SessionOutcome.DROPPED);
        assertThat(session.outcomeDetail()).isEqualTo("the client closed the connection without QUIT");
        assertThat(session.transcript()).extracting(TranscriptLine::direction).containsExactly(Direction.SERVER);
        assertThat(session.transcript().get(0).text()).isEqualTo("220 localhost ESMTP SMTP Lab");
        assertThat(session.messageIds()).isEmpty();
        assertThat(session.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(session.helo()).isNull();
    }

    @Test
    void transcript_has_every_line_both_ways_in_order_with_timestamps() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("NOOP");
            smtp.command("QUIT");
        }
        RecordedSession session = ended();
        assertThat(session.outcome()).isEqualTo(SessionOutcome.CLIENT_QUIT);
        assertThat(session.helo()).isEqualTo("client.test");
        assertThat(session.transcriptText()).isEqualTo("""
                S: 220 localhost ESMTP SMTP Lab
                C: EHLO client.test
                S: 250-localhost
                S: 250-PIPELINING
                S: 250-SIZE 26214400
                S: 250-ENHANCEDSTATUSCODES
                S: 250-8BITMIME
                S: 250-DSN
                S: 250-SMTPUTF8
                S: 250 CHUNKING
                C: NOOP
                S: 250 2.0.0 Ok
                C: QUIT
                S: 221 2.0.0 Bye
                """);
        for (int i = 1; i < session.transcript().size(); i++) {
            assertThat(session.transcript().get(i).at()).isAfterOrEqualTo(session.transcript().get(i - 1).at());
        }
        assertThat(session.endedAt()).isAfterOrEqualTo(session.startedAt());
    }

    @Test
    void session_that_delivered_and_quit_is_completed_and_links_its_messages() throws Exception {
        Sending.send(server.port(), "a@example.test", "b@example.test", "hello", "body");
        RecordedSession session = ended();
        assertThat(session.outcome()).isEqualTo(SessionOutcome.COMPLETED);
        assertThat(session.messageIds()).hasSize(1);
        assertThat(server.store().message(session.messageIds().get(0))).get()
                .satisfies(message -> assertThat(message.sessionId()).isEqualTo(session.id()));
        assertThat(server.store().messagesOfSession(session.id())).hasSize(1);
        assertThat(session.transcriptText()).containsPattern("C: \\[message content: \\d+ octets, then the lone dot]");
    }

    @Test
    void auth_secrets_are_masked_in_the_transcript() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("AUTH PLAIN AGFsaWNlAHMzY3JldA==");
            smtp.command("QUIT");
        }
        RecordedSession session = ended();
        assertThat(session.transcriptText()).contains("C: AUTH PLAIN ****").doesNotContain("AGFsaWNlAHMzY3JldA==");
    }

    @Test
    void a_cancelled_auth_login_shows_the_star_but_not_the_user_name_given_before_it() throws Exception {
        server.stop();
        server = FakeSmtpServer.builder().authUser("alice", "s3cret").allowPlaintextAuth().build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertThat(smtp.command("AUTH LOGIN")).startsWith("334 ");
            assertThat(smtp.command("YWxpY2U=")).startsWith("334 ");
            assertThat(smtp.command("*")).startsWith("501 5.7.0");
            smtp.command("QUIT");
        }
        RecordedSession session = ended();
        assertThat(session.transcriptText()).contains("C: AUTH LOGIN\n", "C: ****\n", "C: *\n")
                .doesNotContain("YWxpY2U=");
        assertThat(session.authUser()).isNull();
    }

    @Test
    void commands_sent_before_their_replies_are_counted_as_pipelined_and_waiting_commands_are_not() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.send("MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<c@example.test>\r\nDATA\r\n");
            for (int i = 0; i < 4; i++) {
                smtp.reply();
            }
            smtp.command("Subject: x\r\n\r\nbody\r\n.");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RSET");
            smtp.command("QUIT");
        }
        // EHLO, the second MAIL, RSET and QUIT waited for their replies. MAIL and both RCPTs had the next command behind them; DATA was the group's last.
        assertThat(ended().pipelinedCommands()).isEqualTo(3);
    }

    @Test
    void client_silent_past_the_idle_timeout_is_timed_out() throws Exception {
        server.stop();
        server = FakeSmtpServer.builder().idleTimeout(Duration.ofSeconds(1)).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.reply()).isEqualTo("421 4.4.2 localhost Error: timeout exceeded");
        }
        RecordedSession session = ended();
        assertThat(session.outcome()).isEqualTo(SessionOutcome.TIMED_OUT);
        assertThat(session.outcomeDetail()).isEqualTo("the client sent nothing for 1 s (--idle-timeout)");
    }

    @Test
    void sessions_open_when_the_server_stops_are_recorded_as_ended_by_the_shutdown() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            server.stop();
            RecordedSession session = ended();
            assertThat(session.outcome()).isEqualTo(SessionOutcome.DROPPED);
            assertThat(session.outcomeDetail()).isEqualTo("the server shut down");
        }
    }

    @Test
    void each_connection_gets_the_next_connection_index() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (RawSmtp smtp = new RawSmtp(server.port())) {
                smtp.reply();
                smtp.command("QUIT");
            }
        }
        server.awaitSession(session -> session.connectionIndex() == 3 && session.ended().isPresent(), WAIT);
        assertThat(server.sessions()).extracting(RecordedSession::connectionIndex).containsExactly(1L, 2L, 3L);
    }

    private RecordedSession ended() throws InterruptedException {
        return server.awaitSession(session -> session.ended().isPresent(), WAIT);
    }
}
