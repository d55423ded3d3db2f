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
    private final byte[] window = new byte[5];
    private int filled;
    private final Set<String> found = new LinkedHashSet<>();

    /** Content starts right after the DATA line's CRLF. */
    void start() {
        found.clear();
        window[3] = '\r';
        window[4] = '\n';
        filled = 2;
    }

    void accept(byte b) {
        System.arraycopy(window, 1, window, 0, window.length - 1);
        window[window.length - 1] = b;
        filled = Math.min(window.length, filled + 1);
        if (filled < window.length || window[2] != '.' || !isLineEnd(window[1]) || !isLineEnd(window[3])) {
            return;
        }
        boolean crlfBefore = window[0] == '\r' && window[1] == '\n';
        boolean crlfAfter = window[3] == '\r' && window[4] == '\n';
        if (crlfBefore && crlfAfter) {
            return; // the real end of data
        }
        String before = crlfBefore ? "<CRLF>" : window[1] == '\n' ? "<LF>" : "<CR>";
        String after = crlfAfter ? "<CRLF>" : window[3] == '\n' ? "<LF>" : "<CR>";
        found.add(before + "." + after);
    }

    List<String> found() {
        return List.copyOf(found);
    }

    private static boolean isLineEnd(byte b) {
        return b == '\r' || b == '\n';
    }
}
