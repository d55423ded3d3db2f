package dev.smtplab.server.smtp;

import org.junit.jupiter.api.Test;
import org.subethamail.smtp.internal.io.DotTerminatedInputStream;
import org.subethamail.smtp.internal.io.DotUnstuffingInputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The content read a buffer at a time is byte for byte what SubEthaSMTP's byte-at-a-time streams give. */
class MessageContentStreamTest {
    /** Hands over at most {@code step} bytes a read, as a tap that stops at the end of data does. */
    private static InputStream trickling(byte[] bytes, int step) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] target, int offset, int length) {
                return super.read(target, offset, Math.min(length, step));
            }
        };
    }

    private static byte[] ours(byte[] raw, int step, int readSize) throws IOException {
        InputStream content = new MessageContentStream(trickling(raw, step));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        int n;
        while ((n = content.read(buffer, 0, readSize)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static byte[] subethas(byte[] raw) throws IOException {
        return new DotUnstuffingInputStream(new DotTerminatedInputStream(new ByteArrayInputStream(raw))).readAllBytes();
    }

    @Test
    void random_contents_come_out_as_subetha_smtp_reads_them_whatever_the_chunks() throws IOException {
        Random random = new Random(20261205);
        byte[] alphabet = {'.', '.', '\r', '\n', '\r', '\n', 'a', 'b', ' ', '\t', 0, (byte) 0xc3};
        for (int round = 0; round < 20_000; round++) {
            int size = random.nextInt(200);
            byte[] body = new byte[size];
            for (int i = 0; i < size; i++) {
                body[i] = alphabet[random.nextInt(alphabet.length)];
            }
            // SubEthaSMTP keeps a dot that starts the first line; RFC 5321 (and this stream) remove it.
            if (size > 0 && body[0] == '.') {
                body[0] = 'x';
            }
            byte[] raw = withTerminator(body);
            if (raw == null) {
                continue;
            }
            byte[] expected = subethas(raw);
            int step = 1 + random.nextInt(8);
            int readSize = 1 + random.nextInt(16);
            assertThat(ours(raw, step, readSize)).as("round %d, chunks of %d, reads of %d: %s", round, step, readSize,
                    printable(raw)).isEqualTo(expected);
        }
    }

    /** The body, ended by CRLF . CRLF, unless the body already holds a terminator (then null). */
    private static byte[] withTerminator(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String full = text + (text.endsWith("\r\n") || text.isEmpty() ? "" : "\r\n") + ".\r\n";
        int first = ("\r\n" + full).indexOf("\r\n.\r\n");
        if (first + 5 != full.length() + 2) {
            return null;
        }
        return full.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void a_dot_at_the_start_of_any_line_is_removed_the_first_line_s_too() throws IOException {
        byte[] raw = "..first\r\n..second\r\n.third\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(ours(raw, 3, 5), StandardCharsets.US_ASCII)).isEqualTo(".first\r\n.second\r\nthird\r\n");
    }

    @Test
    void an_empty_message_is_the_lone_dot_and_bare_line_feeds_end_nothing() throws IOException {
        assertThat(ours(".\r\n".getBytes(StandardCharsets.US_ASCII), 1, 4)).isEmpty();
        byte[] raw = "a\n.\nb\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(ours(raw, 2, 3), StandardCharsets.US_ASCII)).isEqualTo("a\n.\nb\r\n");
    }

    @Test
    void a_client_that_hangs_up_mid_message_is_an_end_of_file_not_a_message() {
        byte[] raw = "Subject: cut\r\n\r\nhalf a".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ours(raw, 4, 8)).isInstanceOf(EOFException.class)
                .hasMessage("the client closed the connection during the message");
    }

    private static String printable(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }
}
