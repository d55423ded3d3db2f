package dev.smtplab.server.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

import static dev.smtplab.server.smtp.EndOfData.AFTER_CR;
import static dev.smtplab.server.smtp.EndOfData.AFTER_DOT;
import static dev.smtplab.server.smtp.EndOfData.AFTER_DOT_CR;
import static dev.smtplab.server.smtp.EndOfData.LINE_START;
import static dev.smtplab.server.smtp.EndOfData.next;

/**
 * A message's content as the DATA command reads it: dot-unstuffed, ending at CRLF "." CRLF, read
 * from the connection a buffer at a time. SubEthaSMTP's own streams read it a byte at a time,
 * through a synchronized read for each byte, which the profile under load put at the top.
 *
 * <p>The end is found exactly as {@link EndOfData} finds it for the transcript (its states and
 * transitions; a dot at a line's start and a CR after it are held back here), and the tap below
 * hands over no byte past it, so the commands that follow stay where they are. A line starting
 * with a dot loses that dot, the first line's too (RFC 5321, 4.5.2; Postfix does the same).
 */
final class MessageContentStream extends InputStream {
    private final InputStream raw;
    private final byte[] chunk = new byte[16 * 1024];
    private int position;
    private int end;
    private int state = LINE_START;
    private boolean finished;

    MessageContentStream(InputStream raw) {
        this.raw = raw;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int written = 0;
        while (written == 0) {
            if (finished) {
                return -1;
            }
            if (position == end) {
                int n = raw.read(chunk, 0, chunk.length);
                if (n < 0) {
                    throw new EOFException("the client closed the connection during the message");
                }
                position = 0;
                end = n;
            }
            while (position < end && written < length && !finished) {
                byte b = chunk[position++];
                switch (state) {
                    case AFTER_DOT -> {
                        if (b == '\r') {
                            state = AFTER_DOT_CR;
                        } else {
                            // The held dot was stuffing: it goes, b stays.
                            target[offset + written++] = b;
                            state = next(AFTER_DOT, b);
                        }
                    }
                    case AFTER_DOT_CR -> {
                        if (b == '\n') {
                            finished = true;
                            if (position < end) {
                                throw new IllegalStateException("content after the end of the message was handed "
                                        + "over with it");
                            }
                        } else {
                            target[offset + written++] = '\r';
                            state = next(AFTER_DOT_CR, b);
                            if (written < length) {
                                target[offset + written++] = b;
                            } else {
                                // No room for b: read it again next time, as from the state after the CR.
                                position--;
                                state = AFTER_CR;
                            }
                        }
                    }
                    default -> {
                        if (state == LINE_START && b == '.') {
                            state = AFTER_DOT;
                        } else {
                            target[offset + written++] = b;
                            state = next(state, b);
                        }
                    }
                }
            }
        }
        return written;
    }
}
