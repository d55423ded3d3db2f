package dev.smtplab.server.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * An accepted client socket whose streams are tapped: what SubEthaSMTP reads and writes passes
 * through {@link InboundTap} and {@link OutboundTap}, which feed the connection's recorder.
 */
final class TappedSocket extends Socket implements Tapped {
    private final ServerContext server;
    private volatile ConnectionRecorder recorder;
    private volatile ConnectionWords words;
    private final String listenerInbox;
    private volatile InboundTap inbound;
    private volatile OutboundTap outbound;
    private volatile InputStream rawInput;
    private volatile long startedNanos;

    TappedSocket(ServerContext server, String listenerInbox) {
        this.server = server;
        this.listenerInbox = listenerInbox;
    }

    /** Starts recording; called once the socket is connected. getHostAddress never asks DNS. */
    void startRecording() throws IOException {
        recorder = new ConnectionRecorder(server, server.nextConnectionIndex(),
                getInetAddress().getHostAddress(), getPort(), listenerInbox);
        words = new ConnectionWords(server, recorder);
        rawInput = super.getInputStream();
        startedNanos = System.nanoTime();
        inbound = new InboundTap(rawInput, recorder, deadlines(this));
        outbound = new OutboundTap(super.getOutputStream(), this::serverLine, wording(false));
    }

    /** The deadlines for reads from this connection, through the given (plain or TLS) socket. */
    ReadDeadlines deadlines(java.net.Socket through) {
        return new ReadDeadlines(through, server.settings.limits(), server.settings.idleTimeoutSeconds() * 1000,
                startedNanos);
    }

    /** How reply lines are worded on this connection: Postfix's texts (or a personality's) unless lenient. */
    ReplyWording wording(boolean overTls) {
        return new ReplyWording(overTls, server.settings.lenient() ? null : server.settings.hostName(), words);
    }

    @Override
    public ConnectionRecorder recorder() {
        return recorder;
    }

    @Override
    public ConnectionWords words() {
        return words;
    }

    @Override
    public InboundTap inbound() {
        return inbound;
    }

    @Override
    public OutboundTap outbound() {
        return outbound;
    }

    @Override
    public InputStream rawInput() {
        return rawInput;
    }

    /** TLS starts on top of this socket: its bytes become records to pass on untouched. */
    void passthrough() {
        inbound.passthrough();
        outbound.passthrough();
    }

    /** SO_LINGER 0 makes close() abort the connection with RST. */
    @Override
    public void reset() throws IOException {
        setSoLinger(true, 0);
        close();
    }

    @Override
    public InputStream getInputStream() {
        return inbound;
    }

    @Override
    public OutputStream getOutputStream() {
        return outbound;
    }

    private void serverLine(String line) {
        serverLine(recorder, inbound, line);
    }

    /** A reply line went out: into the transcript, and its code to the input side, which changes mode on 354 and 334. */
    static void serverLine(ConnectionRecorder recorder, InboundTap inbound, String line) {
        if (recorder.serverLine(line)) {
            inbound.onReply(recorder.lastReplyCode());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            if (recorder != null) {
                recorder.finish();
            }
        }
    }
}
