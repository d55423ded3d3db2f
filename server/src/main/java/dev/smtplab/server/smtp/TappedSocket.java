package dev.smtplab.server.smtp;

import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * An accepted client socket whose streams are tapped: what SubEthaSMTP reads and writes passes
 * through {@link InboundTap} and {@link OutboundTap}, which feed the connection's recorder.
 */
final class TappedSocket extends Socket {
    private final ServerContext server;
    private volatile ConnectionRecorder recorder;
    private volatile InboundTap inbound;
    private volatile OutboundTap outbound;
    private volatile InputStream rawInput;

    TappedSocket(ServerContext server) {
        this.server = server;
    }

    /** Starts recording; called once the socket is connected. getHostAddress never asks DNS. */
    void startRecording() throws IOException {
        recorder = new ConnectionRecorder(server, server.nextConnectionIndex(),
                getInetAddress().getHostAddress(), getPort());
        rawInput = super.getInputStream();
        inbound = new InboundTap(rawInput, recorder);
        outbound = new OutboundTap(super.getOutputStream(), this::serverLine);
    }

    static TappedSocket of(Session session) {
        if (session.getSocket() instanceof TappedSocket tapped) {
            return tapped;
        }
        throw new IllegalStateException("session " + session.getSessionId() + " is not on a recorded socket");
    }

    ConnectionRecorder recorder() {
        return recorder;
    }

    InboundTap inbound() {
        return inbound;
    }

    OutboundTap outbound() {
        return outbound;
    }

    /** The socket's input before the tap, for a silent server that reads and ignores. */
    InputStream rawInput() {
        return rawInput;
    }

    /** Closes with RST instead of FIN: SO_LINGER 0 makes close() abort the connection. */
    void reset() throws IOException {
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
        recorder.serverLine(line);
        boolean lastLineOfReply = line.length() < 4 || line.charAt(3) != '-';
        if (lastLineOfReply) {
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
