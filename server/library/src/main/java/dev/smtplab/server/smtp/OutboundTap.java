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
    /** Over TLS STARTTLS is never offered again (RFC 3207, 4.2): such reply lines are held back. */
    private final boolean overTls;
    private final java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
    private byte[] line = new byte[256];
    private int lineLength;
    private volatile long bytesPerSecond;
    private volatile boolean passthrough;

    OutboundTap(OutputStream out, Consumer<String> lineListener) {
        this(out, lineListener, false);
    }

    OutboundTap(OutputStream out, Consumer<String> lineListener, boolean overTls) {
        this.out = out;
        this.lineListener = lineListener;
        this.overTls = overTls;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Bytes go out first; only lines that were written are recorded. */
    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (passthrough) {
            out.write(bytes, offset, length);
            return;
        }
        if (overTls) {
            writeWithoutStartTls(bytes, offset, length);
            return;
        }
        send(bytes, offset, length);
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
    }

    private void send(byte[] bytes, int offset, int length) throws IOException {
        if (bytesPerSecond > 0) {
            writeThrottled(bytes, offset, length);
        } else {
            out.write(bytes, offset, length);
        }
    }

    /** Line by line: each whole line goes out (and to the listener) unless it offers STARTTLS. */
    private void writeWithoutStartTls(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            held.write(bytes[i]);
            if (bytes[i] == '\n') {
                byte[] whole = held.toByteArray();
                held.reset();
                String text = new String(whole, StandardCharsets.UTF_8).replaceAll("\r?\n$", "");
                if (!text.regionMatches(true, 0, "250-STARTTLS", 0, 12)) {
                    send(whole, 0, whole.length);
                    lineListener.accept(text);
                }
            }
        }
    }

    /** From now on the bytes are TLS records: no lines to find, no throttle (the TLS tap above has its own). */
    void passthrough() {
        passthrough = true;
    }

    long throttleRate() {
        return bytesPerSecond;
    }

    /** From now on, replies leave at most this many bytes per second. */
    void throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    // Ten small writes a second, each flushed, so the client sees the reply trickle in.
    private void writeThrottled(byte[] bytes, int offset, int length) throws IOException {
        int chunk = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytesPerSecond / 10));
        for (int i = offset; i < offset + length; i += chunk) {
            int n = Math.min(chunk, offset + length - i);
            out.write(bytes, i, n);
            out.flush();
            try {
                Thread.sleep(n * 1000L / bytesPerSecond);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("throttled write interrupted");
            }
        }
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
