package dev.smtplab.server.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The server-to-client byte stream: each CRLF-ended reply line is reworded if need be (see
 * {@link ReplyWording}), sent, and reported. Lines are held until their CRLF; a flush sends what
 * there is of an unfinished line as it is.
 */
final class OutboundTap extends OutputStream {
    private final OutputStream out;
    private final Consumer<String> lineListener;
    private final ReplyWording wording;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
    private byte[] line = new byte[256];
    private int lineLength;
    /** Octets of the current line already sent by a flush; such a line goes out unchanged. */
    private int lineSent;
    private volatile long bytesPerSecond;
    private volatile boolean passthrough;

    OutboundTap(OutputStream out, Consumer<String> lineListener, ReplyWording wording) {
        this.out = out;
        this.lineListener = lineListener;
        this.wording = wording;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /**
     * Only lines that were written are recorded. The whole lines of one write leave in one write,
     * so a multi-line reply is one TCP segment, not one per line waiting on the last one's ACK.
     */
    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (passthrough) {
            out.write(bytes, offset, length);
            return;
        }
        for (int i = offset; i < offset + length; i++) {
            if (lineLength == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[lineLength++] = bytes[i];
            if (bytes[i] == '\n' && lineLength > 1 && line[lineLength - 2] == '\r') {
                lineDone();
            }
        }
        sendPending();
    }

    private void lineDone() {
        String text = new String(line, 0, lineLength - 2, StandardCharsets.UTF_8);
        String sent = lineSent > 0 ? text : wording.reword(text);
        if (sent != null) {
            if (sent.equals(text)) {
                pending.write(line, lineSent, lineLength - lineSent);
            } else {
                pending.writeBytes((sent + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            lineListener.accept(sent);
        }
        lineLength = 0;
        lineSent = 0;
    }

    private void sendPending() throws IOException {
        if (pending.size() > 0) {
            byte[] bytes = pending.toByteArray();
            pending.reset();
            send(bytes, 0, bytes.length);
        }
    }

    private void send(byte[] bytes, int offset, int length) throws IOException {
        if (bytesPerSecond > 0) {
            writeThrottled(bytes, offset, length);
        } else {
            out.write(bytes, offset, length);
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
    public synchronized void flush() throws IOException {
        if (!passthrough && lineLength > lineSent) {
            send(line, lineSent, lineLength - lineSent);
            lineSent = lineLength;
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
