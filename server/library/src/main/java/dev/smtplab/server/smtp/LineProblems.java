package dev.smtplab.server.smtp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What is wrong with a client's command line, as the 500 reply that says so, and how to show a
 * malformed line to people. Pure functions over the line's bytes.
 */
final class LineProblems {
    private LineProblems() {
    }

    /**
     * The reply for a malformed line, or null for a good one.
     *
     * @param line     the line's bytes as kept, LF included when it arrived
     * @param length   how many bytes of {@code line} are the line
     * @param overflow bytes that arrived past the buffer and were not kept
     * @param limit    the most octets a line may have here, CRLF included
     */
    static String problem(byte[] line, int length, long overflow, int limit) {
        long total = length + overflow;
        if (total > limit) {
            return "500 5.5.2 Line too long: " + total + " octets; a command line may have at most " + limit
                    + ", CRLF included";
        }
        if (length < 2 || line[length - 1] != '\n' || line[length - 2] != '\r') {
            return "500 5.5.2 Syntax error: line ends in a bare LF; SMTP lines end with CRLF (RFC 5321, 2.3.8)";
        }
        boolean ascii = true;
        for (int i = 0; i < length - 2; i++) {
            byte b = line[i];
            if (b == 0) {
                return "500 5.5.2 Syntax error: NUL byte at position " + (i + 1) + " of the line";
            }
            if (b == '\r') {
                return "500 5.5.2 Syntax error: bare CR at position " + (i + 1)
                        + "; SMTP lines end with CRLF (RFC 5321, 2.3.8)";
            }
            ascii &= b >= 0;
        }
        if (!ascii && !isUtf8(line, length - 2)) {
            return "500 5.5.2 Syntax error: the line is not valid UTF-8";
        }
        return null;
    }

    /**
     * A malformed line for people: CR and LF as \r and \n, other control and non-ASCII bytes as
     * \xNN, and a line longer than {@code shownPrefix} cut with its total length.
     */
    static String printable(byte[] line, int length, long overflow, int shownPrefix) {
        StringBuilder text = new StringBuilder();
        int end = Math.min(length, shownPrefix);
        for (int i = 0; i < end; i++) {
            int b = line[i] & 0xff;
            if (b == '\r') {
                text.append("\\r");
            } else if (b == '\n') {
                text.append("\\n");
            } else if (b < 0x20 || b >= 0x7f) {
                text.append(String.format(Locale.ROOT, "\\x%02x", b));
            } else {
                text.append((char) b);
            }
        }
        long total = length + overflow;
        if (total > end) {
            text.append("... (").append(total).append(" octets)");
        }
        return text.toString();
    }

    private static boolean isUtf8(byte[] bytes, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
