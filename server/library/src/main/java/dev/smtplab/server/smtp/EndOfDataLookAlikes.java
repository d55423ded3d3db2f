package dev.smtplab.server.smtp;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Watches DATA content as it arrives, before dot-unstuffing, for dots alone between line ends
 * that are not both CRLF: {@code <LF>.<LF>}, {@code <CRLF>.<LF>}, {@code <CR>.<CR>} and the like.
 * Only CRLF "." CRLF ends DATA here, but a lenient server would end the message at one of these
 * and read the rest as commands (SMTP smuggling).
 */
final class EndOfDataLookAlikes {
    /** The last five bytes, the newest in the low byte: a shift a byte, where a copy of an array was. */
    private long window;
    private int filled;
    private final Set<String> found = new LinkedHashSet<>();

    /** Content starts right after the DATA line's CRLF. */
    void start() {
        found.clear();
        window = ('\r' << 8) | '\n';
        filled = 2;
    }

    void accept(byte b) {
        window = ((window << 8) | (b & 0xff)) & 0xff_ffff_ffffL;
        filled = Math.min(5, filled + 1);
        // A dot two bytes back, between two line ends: rare, so the cheap test comes first.
        if (filled < 5 || at(2) != '.' || !isLineEnd(at(3)) || !isLineEnd(at(1))) {
            return;
        }
        boolean crlfBefore = at(4) == '\r' && at(3) == '\n';
        boolean crlfAfter = at(1) == '\r' && at(0) == '\n';
        if (crlfBefore && crlfAfter) {
            return; // the real end of data
        }
        String before = crlfBefore ? "<CRLF>" : at(3) == '\n' ? "<LF>" : "<CR>";
        String after = crlfAfter ? "<CRLF>" : at(1) == '\n' ? "<LF>" : "<CR>";
        found.add(before + "." + after);
    }

    /** Every byte of {@code bytes[from, to)}, in order. */
    void acceptAll(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            accept(bytes[i]);
        }
    }

    /** The byte {@code back} places before the newest (0 for the newest). */
    private int at(int back) {
        return (int) (window >>> (8 * back)) & 0xff;
    }

    List<String> found() {
        return List.copyOf(found);
    }

    private static boolean isLineEnd(int b) {
        return b == '\r' || b == '\n';
    }
}
