package dev.smtplab.server.record;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The one MIME walk: bodies and attachments, as the web UI, the API and the assertions see them. */
class MessagePartsTest {

    private static RecordedMessage message(String raw) {
        return new RecordedMessage("1", "1", 1, 1, Instant.EPOCH, "127.0.0.1", 40000, "client.test",
                "a@example.test", Map.of(), List.of(new Recipient("b@example.test", Map.of(), 250, "250 Ok")),
                raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_plain_message_has_a_text_body_and_nothing_else() {
        MessageParts parts = MessageParts.of(message("Subject: hi\n\nHello\n"));
        assertThat(parts.parsed()).isTrue();
        assertThat(parts.text()).hasValue("Hello\r\n");
        assertThat(parts.html()).isEmpty();
        assertThat(parts.attachments()).isEmpty();
    }

    @Test
    void alternative_bodies_and_every_kind_of_attachment_are_told_apart() throws Exception {
        MessageParts parts = MessageParts.of(message("""
                Subject: report
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="outer"

                --outer
                Content-Type: multipart/alternative; boundary="inner"

                --inner
                Content-Type: text/plain; charset=utf-8

                The report
                --inner
                Content-Type: text/html; charset=utf-8

                <p>The report</p>
                --inner--
                --outer
                Content-Type: application/pdf; name="report.pdf"
                Content-Disposition: attachment; filename="report.pdf"
                Content-Transfer-Encoding: base64

                JVBERi0xLjQ=
                --outer
                Content-Type: image/png
                Content-Disposition: inline
                Content-Transfer-Encoding: base64

                iVBORw0K
                --outer
                Content-Type: text/plain
                Content-Disposition: attachment

                notes
                --outer
                Content-Type: text/csv; name="data.csv"

                a,b
                --outer--
                """));
        assertThat(parts.text()).hasValue("The report");
        assertThat(parts.html()).hasValue("<p>The report</p>");
        assertThat(parts.attachments()).extracting(MessageParts.Attachment::index, MessageParts.Attachment::filename,
                MessageParts.Attachment::contentType, MessageParts.Attachment::size).containsExactly(
                tuple(0, "report.pdf", "application/pdf", 8),
                tuple(1, null, "image/png", 6),
                tuple(2, null, "text/plain", 5),
                tuple(3, "data.csv", "text/csv", 3));
        assertThat(new String(parts.attachmentBytes(0), StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.4");
        assertThat(parts.attachments().get(1)).hasToString("(no name) (image/png)");
    }

    @Test
    void a_message_that_is_not_valid_mime_is_shown_raw_with_no_parts() {
        MessageParts parts = MessageParts.of(message("""
                Subject: broken
                Content-Type: multipart/mixed; boundary="b"
                Content-Transfer-Encoding: bogus-encoding

                --b
                Content-Type: text/plain
                Content-Transfer-Encoding: nonsense

                x
                """));
        assertThat(parts.parsed()).isFalse();
        assertThat(parts.attachments()).isEmpty();
        assertThat(parts.text()).get().asString().startsWith("Subject: broken\r\n").contains("--b\r\n");
    }

    @Test
    void a_body_typed_by_hand_in_utf8_without_a_charset_reads_as_utf8() {
        String japanese = "こんにちは、SMTP Lab のテストです。";
        MessageParts parts = MessageParts.of(message("Subject: test\n\n" + japanese + "\n"));
        assertThat(parts.text()).hasValue(japanese + "\r\n");
    }

    @Test
    void a_declared_charset_wins_and_bytes_that_are_not_utf8_are_kept_as_latin1() {
        MessageParts declared = MessageParts.of(new RecordedMessage("1", "1", 1, 1, Instant.EPOCH, "127.0.0.1", 40000,
                "client.test", "a@example.test", Map.of(), List.of(new Recipient("b@example.test", Map.of(), 250, "250 Ok")),
                concat("Content-Type: text/plain; charset=ISO-8859-1\r\n\r\ncaf", new byte[] {(byte) 0xe9}, "\r\n")));
        assertThat(declared.text()).hasValue("café\r\n");
        MessageParts undeclared = MessageParts.of(new RecordedMessage("1", "1", 1, 1, Instant.EPOCH, "127.0.0.1", 40000,
                "client.test", "a@example.test", Map.of(), List.of(new Recipient("b@example.test", Map.of(), 250, "250 Ok")),
                concat("Subject: x\r\n\r\ncaf", new byte[] {(byte) 0xe9}, "\r\n")));
        assertThat(undeclared.text()).hasValue("café\r\n");
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] head = before.getBytes(StandardCharsets.US_ASCII);
        byte[] tail = after.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + middle.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(middle, 0, all, head.length, middle.length);
        System.arraycopy(tail, 0, all, head.length + middle.length, tail.length);
        return all;
    }
}
