package dev.smtplab.client.send;

import java.io.ByteArrayOutputStream;

/** Message content as it goes after DATA: CRLF line endings, leading dots doubled, the lone dot at the end. */
public final class DotStuffing {
    private DotStuffing() {
    }

    /**
     * Whether a line typed as raw message content loses its first character: the server removes
     * one leading dot (RFC 5321, 4.5.2), so a single "." is lost; ".." is a dot stuffed by hand,
     * and "." alone ends the message.
     */
    public static boolean losesLeadingDot(String typedLine) {
        return typedLine.startsWith(".") && !typedLine.equals(".") && !typedLine.startsWith("..");
    }

    /** RFC 5321, 4.5.2: a line starting with "." gets another "."; bare LF becomes CRLF. */
    public static byte[] encode(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            byte b = message[i];
            if (lineStart && b == '.') {
                out.write('.');
            }
            if (b == '\n' && (i == 0 || message[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }
}
