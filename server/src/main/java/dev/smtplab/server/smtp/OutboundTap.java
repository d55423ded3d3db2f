package dev.smtplab.server.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/** The server-to-client byte stream: passes every byte on and reports each CRLF-ended reply line. */
final class OutboundTap extends OutputStream {
    private final OutputStream out;
    private final Consumer<String> lineListener;
    private byte[] line = new byte[256];
    private int lineLength;

    OutboundTap(OutputStream out, Consumer<String> lineListener) {
        this.out = out;
        this.lineListener = lineListener;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b == '\n' && lineLength > 0 && line[lineLength - 1] == '\r') {
                lineListener.accept(new String(line, 0, lineLength - 1, StandardCharsets.UTF_8));
                lineLength = 0;
            } else {
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = b;
            }
        }
        out.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
