package dev.smtplab.server.record;

import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plain message's headers and text are read without Jakarta Mail ({@link RawHeaders},
 * {@link MessageParts#simpleText}); this checks, over messages made of every awkward piece, that
 * whenever the fast path answers it answers exactly what Jakarta Mail does, and that it does
 * answer for ordinary mail.
 */
class PlainMessageFastPathTest {
    private static final String[] HEADER_LINES = {
        "Subject: hello", "Subject:hello  ", "subject: lower case name", "SUBJECT : spaced name", "Subject:",
        "Subject: =?UTF-8?B?44GT44KT44Gr44Gh44Gv?=", "Subject: =?ISO-8859-1?Q?caf=E9?= ok", "Subject: folded\r\n second line",
        "Subject: caf\u00e9 in raw UTF-8", "From: a@example.test", "To: b@example.test", "X-Colon: a: b: c",
        "No colon here", " leading space", "Subject: two\rbare CR", "Date: Sat, 5 Dec 2026 10:00:00 +0000",
        "X-Control: a\u0001b", "Message-ID: <1@example.test>", "X-Tab:\tvalue\t",
    };
    private static final String[] CONTENT_TYPES = {
        null, "text/plain", "TEXT/Plain", "text/plain; charset=utf-8", "text/plain; charset=\"UTF-8\"",
        "text/plain; charset=us-ascii", "text/plain; charset=iso-8859-1", "text/plain; format=flowed",
        "text/plain; name=notes.txt", "text/html; charset=utf-8", "text/plain; charset=", "text/plain;;",
        "multipart/mixed; boundary=b", "application/octet-stream", "text/plain; charset=utf8",
    };
    private static final String[] ENCODINGS = {null, "7bit", "8BIT", "binary", "quoted-printable", "base64", "x-odd"};
    private static final String[] DISPOSITIONS = {null, "inline", "attachment; filename=a.txt"};
    private static final byte[][] BODIES = {
        "Hello\r\n".getBytes(StandardCharsets.US_ASCII),
        "".getBytes(StandardCharsets.US_ASCII),
        "caf\u00e9 \u3053\u3093\u306b\u3061\u306f\r\n".getBytes(StandardCharsets.UTF_8),
        "caf\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1),
        "=E9t=E9\r\nSGVsbG8=\r\n".getBytes(StandardCharsets.US_ASCII),
        "--b\r\nContent-Type: text/plain\r\n\r\ninner\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII),
        "line\nLF only\n".getBytes(StandardCharsets.US_ASCII),
    };

    @Test
    void whenever_the_fast_path_answers_it_answers_as_jakarta_mail_does() throws Exception {
        Random random = new Random(20261205);
        int fastHeaders = 0;
        int fastParts = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] data = message(random);
            RecordedMessage message = new RecordedMessage("1", "1", 1, 1, Instant.EPOCH, "127.0.0.1", 40000, "c.test",
                    "a@example.test", Map.of(), List.of(new Recipient("b@example.test", Map.of(), 250, "250 Ok")), data);
            String shown = new String(data, StandardCharsets.ISO_8859_1);

            RawHeaders raw = RawHeaders.scan(data);
            if (raw.plain()) {
                fastHeaders++;
                for (String name : List.of("Subject", "subject", "From", "X-Colon", "Content-Type", "Missing")) {
                    assertThat(raw.first(name).map(PlainMessageFastPathTest::decode)).as("%s of %s", name, shown)
                            .isEqualTo(jakartaHeader(data, name));
                }
            }
            assertThat(message.subject()).as(shown).isEqualTo(jakartaHeader(data, "Subject"));

            MessageParts fast = MessageParts.simpleText(data);
            if (fast != null) {
                fastParts++;
                MessageParts walked = MessageParts.walked(message);
                assertThat(fast.text()).as(shown).isEqualTo(walked.text());
                assertThat(fast.html()).as(shown).isEqualTo(walked.html());
                assertThat(fast.attachments()).as(shown).isEqualTo(walked.attachments());
                assertThat(fast.parsed()).as(shown).isEqualTo(walked.parsed());
            }
        }
        // The awkward pieces are most of the corpus; still a good share is plain enough.
        assertThat(fastHeaders).isGreaterThan(1_000);
        assertThat(fastParts).isGreaterThan(200);
    }

    @Test
    void ordinary_mail_takes_the_fast_path() {
        byte[] data = ("From: app@example.test\r\nTo: user@example.test\r\nSubject: Confirm your address\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "Your code is 123456.\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(RawHeaders.scan(data).plain()).isTrue();
        assertThat(RawHeaders.scan(data).first("subject")).hasValue("Confirm your address");
        assertThat(MessageParts.simpleText(data)).isNotNull();
        assertThat(MessageParts.simpleText(data).text()).hasValue("Your code is 123456.\r\n");
    }

    private static byte[] message(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String end = random.nextInt(4) == 0 ? "\n" : "\r\n";
        int headers = random.nextInt(5);
        for (int h = 0; h < headers; h++) {
            write(out, HEADER_LINES[random.nextInt(HEADER_LINES.length)] + end);
        }
        String type = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
        if (type != null) {
            write(out, "Content-Type: " + type + end);
        }
        String encoding = ENCODINGS[random.nextInt(ENCODINGS.length)];
        if (encoding != null) {
            write(out, "Content-Transfer-Encoding: " + encoding + end);
        }
        String disposition = DISPOSITIONS[random.nextInt(DISPOSITIONS.length)];
        if (disposition != null) {
            write(out, "Content-Disposition: " + disposition + end);
        }
        if (random.nextInt(20) != 0) {
            write(out, end);
            out.writeBytes(BODIES[random.nextInt(BODIES.length)]);
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** What RecordedMessage.header answered before the fast path: Jakarta Mail's headers, unfolded and decoded. */
    private static Optional<String> jakartaHeader(byte[] data, String name) throws Exception {
        InternetHeaders headers;
        try {
            headers = new InternetHeaders(new ByteArrayInputStream(data), true);
        } catch (jakarta.mail.MessagingException e) {
            headers = new InternetHeaders();
        }
        String[] values = headers.getHeader(name);
        if (values == null || values.length == 0) {
            return Optional.empty();
        }
        return Optional.of(decode(MimeUtility.unfold(values[0]).trim()));
    }

    private static String decode(String value) {
        try {
            return MimeUtility.decodeText(value);
        } catch (java.io.UnsupportedEncodingException e) {
            return value;
        }
    }
}
