package dev.smtplab.server;

import dev.smtplab.server.record.RecordedSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad bytes from the network get the right SMTP reply; the session goes on and the server stays up. */
class MalformedInputTest {
    private final FakeSmtpServer server = FakeSmtpServer.builder().build().start();

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void command_line_over_999_octets_gets_500_and_the_session_goes_on() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            String longLine = "EHLO " + "a".repeat(1000);
            assertThat(smtp.command(longLine)).isEqualTo("500 5.5.2 Line too long: 1007 octets; a command line may "
                    + "have at most 999, CRLF included");
            assertThat(smtp.command("EHLO client.test")).startsWith("250-localhost");
        }
        assertStillServing();
    }

    @Test
    void lines_longer_than_rfc_5321_s_512_octets_are_taken_up_to_999_as_postfix_takes_them() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.command("NOOP " + "a".repeat(600))).startsWith("250");
            String line = "NOOP " + "a".repeat(999 - 2 - 5);
            assertThat(smtp.command(line)).startsWith("250");
        }
    }

    @Test
    void very_long_line_is_not_buffered_whole_and_still_gets_500() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.command("NOOP " + "x".repeat(1_000_000))).startsWith("500 5.5.2 Line too long: 1000007 octets");
            assertThat(smtp.command("NOOP")).startsWith("250");
        }
        RecordedSession session = server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
        assertThat(session.transcriptText()).contains("C: NOOP xxxxxxxx").contains("... (1000007 octets)");
    }

    @Test
    void nul_byte_gets_500_and_the_session_goes_on() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.command("MAIL FROM:<a\0b@example.test>"))
                    .isEqualTo("500 5.5.2 Syntax error: NUL byte at position 13 of the line");
            assertThat(smtp.command("MAIL FROM:<ab@example.test>")).startsWith("250");
        }
        RecordedSession session = server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
        assertThat(session.transcriptText()).contains("C: MAIL FROM:<a\\x00b@example.test>\\r\\n");
        assertStillServing();
    }

    @Test
    void bare_cr_gets_500_and_the_session_goes_on() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.send("NOOP\rNOOP\r\n");
            assertThat(smtp.reply()).isEqualTo(
                    "500 5.5.2 Syntax error: bare CR at position 5; SMTP lines end with CRLF (RFC 5321, 2.3.8)");
            assertThat(smtp.command("NOOP")).startsWith("250");
        }
        assertStillServing();
    }

    @Test
    void bare_lf_gets_500_and_the_session_goes_on() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.send("NOOP\n");
            assertThat(smtp.reply()).isEqualTo(
                    "500 5.5.2 Syntax error: line ends in a bare LF; SMTP lines end with CRLF (RFC 5321, 2.3.8)");
            assertThat(smtp.command("NOOP")).startsWith("250");
        }
        assertStillServing();
    }

    @Test
    void invalid_utf8_gets_500_and_the_session_goes_on() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.send(new byte[] {'H', 'E', 'L', 'O', ' ', (byte) 0xc3, (byte) 0x28, '\r', '\n'});
            assertThat(smtp.reply()).isEqualTo("500 5.5.2 Syntax error: the line is not valid UTF-8");
            assertThat(smtp.command("HELO client.test")).startsWith("250");
        }
        assertStillServing();
    }

    @Test
    void bare_lf_inside_message_content_is_kept_not_rejected() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("HELO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.command("DATA");
            smtp.send("Subject: lf\r\n\r\nline one\nline two\r\n");
            assertThat(smtp.command(".")).startsWith("250");
        }
        assertThat(server.takeMessage(Duration.ofSeconds(5)).dataAsString())
                .isEqualTo("Subject: lf\r\n\r\nline one\nline two\r\n");
    }

    @Test
    void help_lists_real_commands_only() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.command("HELP")).contains("214-     MAIL").doesNotContain("\0");
        }
    }

    private void assertStillServing() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).startsWith("220");
            assertThat(smtp.command("QUIT")).startsWith("221");
        }
    }
}
