package dev.smtplab.server;

import dev.smtplab.server.record.RecordedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SMTP smuggling: only CRLF "." CRLF ends DATA. A message holding a look-alike (bare LF or CR
 * around a dot) is kept whole, the "command" after it stays message text, and the record says
 * which look-alike it held.
 */
class SmugglingTest {
    private FakeSmtpServer server;

    @BeforeEach
    void start() {
        server = FakeSmtpServer.builder().build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            \\n.\\n       | <LF>.<LF>
            \\n.\\r\\n    | <LF>.<CRLF>
            \\r\\n.\\n    | <CRLF>.<LF>
            \\r.\\r       | <CR>.<CR>
            \\r.\\r\\n    | <CR>.<CRLF>
            \\r\\n.\\r    | <CRLF>.<CR>
            """)
    void a_look_alike_end_of_data_is_kept_in_the_message_and_flagged(String escaped, String name) throws Exception {
        String lookAlike = escaped.strip().replace("\\r", "\r").replace("\\n", "\n");
        String content = "Subject: smuggled\r\n\r\nfirst part" + lookAlike
                + "MAIL FROM:<smuggled@evil.test>\r\nRCPT TO:<victim@example.test>\r\nDATA\r\nSubject: fake\r\n";
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<alice@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            assertThat(smtp.command("DATA")).startsWith("354");
            smtp.send((content + ".\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(smtp.reply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(smtp.command("QUIT")).startsWith("221");
        }
        RecordedMessage message = server.takeMessage(Duration.ofSeconds(5));
        // Kept whole; a dot that starts a line loses itself to unstuffing, as RFC 5321, 4.5.2 says.
        assertThat(message.dataAsString()).isEqualTo(content.replace("\r\n.", "\r\n"));
        assertThat(message.dataAsString()).contains("MAIL FROM:<smuggled@evil.test>");
        assertThat(message.suspiciousEndOfData()).containsExactly(name);
        assertThat(server.messages()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            a line that is only a stuffed dot
            """)
    void a_line_that_is_only_a_dot_sent_stuffed_is_not_suspicious(String ignored) throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("MAIL FROM:<alice@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: dots\r\n\r\nabove\r\n..\r\nbelow\r\n.")).startsWith("250");
        }
        RecordedMessage message = server.takeMessage(Duration.ofSeconds(5));
        assertThat(message.dataAsString()).isEqualTo("Subject: dots\r\n\r\nabove\r\n.\r\nbelow\r\n");
        assertThat(message.suspiciousEndOfData()).isEmpty();
    }
}
