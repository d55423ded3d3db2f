package dev.smtplab.server.smtp;

/**
 * Finds the end of DATA content: CRLF "." CRLF, where the CRLF before the dot may be the one that
 * ended the DATA command (RFC 5321, 4.1.1.4). This is exactly SubEthaSMTP's terminator, so the
 * transcript and the server agree on where the message ended. Keeps its state across reads.
 */
final class EndOfData {
    static final int IN_LINE = 0;
    static final int AFTER_CR = 1;
    static final int LINE_START = 2;
    /** A dot at the start of a line: the terminator's, or a stuffed one. */
    static final int AFTER_DOT = 3;
    /** A dot and a CR at the start of a line. */
    static final int AFTER_DOT_CR = 4;

    private int state = LINE_START;

    /** Content starts: right after the DATA line's CRLF. */
    void start() {
        state = LINE_START;
    }

    /**
     * Scans {@code bytes[from, to)} and returns the index just past the terminator's LF, or -1 if
     * the content goes on past {@code to}.
     */
    int scan(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (state == IN_LINE) {
                // Within a line only CR and LF matter: skip the rest in a tight loop.
                while (i < to && bytes[i] != '\r' && bytes[i] != '\n') {
                    i++;
                }
                if (i == to) {
                    return -1;
                }
            }
            byte b = bytes[i];
            if (b == '\n' && state == AFTER_DOT_CR) {
                state = LINE_START;
                return i + 1;
            }
            state = next(state, b);
        }
        return -1;
    }

    /** The state after {@code b}; {@link MessageContentStream} follows the same transitions. */
    static int next(int state, byte b) {
        return switch (b) {
            case '\r' -> state == AFTER_DOT ? AFTER_DOT_CR : AFTER_CR;
            case '\n' -> state == AFTER_CR || state == AFTER_DOT_CR ? LINE_START : IN_LINE;
            case '.' -> state == LINE_START ? AFTER_DOT : IN_LINE;
            default -> IN_LINE;
        };
    }
}
