package dev.smtplab.server.record;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The header block of a message read in one pass over its bytes, for the common case that needs no
 * MIME parser: when every header line is plain ({@link #plain()}: ASCII, one line each, a name and a
 * colon, no control characters, lines ended by CRLF or LF), a header's value is the text after its colon, exactly what
 * Jakarta Mail's {@code InternetHeaders} would give. Anything else (folded lines, 8-bit bytes, a bare
 * CR, a line without a colon) is left to Jakarta Mail: {@link #plain()} is false.
 *
 * <p>Under load, parsing each message's headers and body with Jakarta Mail to index it was the top of
 * the SQLite store's profile; this takes a plain message's subject and text without it.
 */
final class RawHeaders {
    private final byte[] data;
    /** Per header: the offsets of its name's start, the colon, and the line's end (before CR LF). */
    private int[] lines = new int[3 * 16];
    private int count;
    private boolean plain = true;
    private int bodyStart;

    private RawHeaders(byte[] data) {
        this.data = data;
    }

    static RawHeaders scan(byte[] data) {
        RawHeaders headers = new RawHeaders(data);
        headers.read();
        return headers;
    }

    private void read() {
        int at = 0;
        while (at < data.length) {
            int end = at;
            int colon = -1;
            while (end < data.length && data[end] != '\n' && data[end] != '\r') {
                byte b = data[end];
                if (b < 0 || b < ' ' && b != '\t') {
                    plain = false; // 8-bit, or a control character that Jakarta Mail's trimming would drop
                } else if (b == ':' && colon < 0) {
                    colon = end;
                }
                end++;
            }
            int next;
            if (end == data.length) {
                next = end;
            } else if (data[end] == '\n') {
                next = end + 1;
            } else if (end + 1 < data.length && data[end + 1] == '\n') {
                next = end + 2;
            } else {
                plain = false; // a bare CR, which Jakarta Mail reads as a line end of its own
                next = end + 1;
            }
            if (end == at) {
                bodyStart = next;
                return;
            }
            if (data[at] == ' ' || data[at] == '\t' || colon < 0) {
                plain = false;
            } else {
                add(at, colon, end);
            }
            at = next;
        }
        bodyStart = data.length;
    }

    private void add(int start, int colon, int end) {
        if (3 * count == lines.length) {
            lines = Arrays.copyOf(lines, lines.length * 2);
        }
        lines[3 * count] = start;
        lines[3 * count + 1] = colon;
        lines[3 * count + 2] = end;
        count++;
    }

    /** True when every header line is plain, so that {@link #first} answers as Jakarta Mail would. */
    boolean plain() {
        return plain;
    }

    /** Where the body starts: after the blank line that ends the headers, or the end when there is none. */
    int bodyStart() {
        return bodyStart;
    }

    /** The raw value of the first header with this name (case ignored), trimmed; only when {@link #plain()}. */
    Optional<String> first(String name) {
        if (!plain) {
            throw new IllegalStateException("the header block is not plain: read it with Jakarta Mail");
        }
        byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            int start = lines[3 * i];
            int colon = lines[3 * i + 1];
            int nameEnd = colon;
            while (nameEnd > start && isSpace(data[nameEnd - 1])) {
                nameEnd--;
            }
            if (nameEnd - start == wanted.length && sameIgnoringCase(start, wanted)) {
                return Optional.of(new String(data, colon + 1, lines[3 * i + 2] - colon - 1, StandardCharsets.US_ASCII)
                        .trim());
            }
        }
        return Optional.empty();
    }

    private boolean sameIgnoringCase(int start, byte[] wanted) {
        for (int i = 0; i < wanted.length; i++) {
            byte a = data[start + i];
            byte b = wanted[i];
            if (a != b && lower(a) != lower(b)) {
                return false;
            }
        }
        return true;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }
}
