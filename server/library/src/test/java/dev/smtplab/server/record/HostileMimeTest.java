package dev.smtplab.server.record;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages built to hurt a parser are taken apart within bounds: nesting past 100 levels and parts
 * past 10,000 are not walked, and the message says so. (The timeouts only stop a runaway build;
 * the figures are in bench/abuse.)
 */
class HostileMimeTest {
    static RecordedMessage message(String content) {
        return new RecordedMessage("1", "1", 1, 1, Instant.EPOCH, "127.0.0.1", 40000, "client.test", "a@example.test",
                Map.of(), List.of(new Recipient("b@example.test", Map.of(), 250, "250 Ok")),
                content.getBytes(StandardCharsets.UTF_8));
    }

    /** Multiparts nested this deep, each holding the next, with a text part at the bottom. */
    static String nested(int depth) {
        StringBuilder mail = new StringBuilder("Subject: nested\r\nMIME-Version: 1.0\r\n");
        for (int level = 0; level < depth; level++) {
            mail.append("Content-Type: multipart/mixed; boundary=\"b").append(level).append("\"\r\n\r\n--b")
                    .append(level).append("\r\n");
        }
        mail.append("Content-Type: text/plain\r\n\r\nthe bottom\r\n");
        for (int level = depth - 1; level >= 0; level--) {
            mail.append("--b").append(level).append("--\r\n");
        }
        return mail.toString();
    }

    static String flat(int parts) {
        StringBuilder mail = new StringBuilder("Subject: many parts\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
        for (int i = 0; i < parts; i++) {
            mail.append("--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
                    + "filename=\"").append(i).append(".bin\"\r\n\r\nx\r\n");
        }
        return mail.append("--b--\r\n").toString();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void a_hundred_levels_of_nesting_are_walked_to_the_bottom() {
        MessageParts parts = MessageParts.of(message(nested(100)));
        assertThat(parts.text()).contains("the bottom");
        assertThat(parts.omitted()).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twenty_thousand_levels_are_walked_100_deep_and_the_rest_is_said_to_be_left_out() {
        String hostile = nested(20_000);
        assertThat(hostile.length()).isGreaterThan(1_000_000);
        MessageParts parts = MessageParts.of(message(hostile));
        assertThat(parts.parsed()).isTrue();
        assertThat(parts.text()).isEmpty();
        assertThat(parts.omitted()).contains("parts nested deeper than 100 levels were not opened");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ten_thousand_parts_are_all_listed_and_more_are_said_to_be_left_out() {
        assertThat(MessageParts.of(message(flat(10_000))).attachments()).hasSize(10_000);
        MessageParts more = MessageParts.of(message(flat(10_050)));
        assertThat(more.attachments()).hasSize(10_000);
        assertThat(more.omitted()).contains("only the first 10000 parts were opened");
    }
}
