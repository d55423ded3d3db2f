package dev.smtplab.server.smtp;

import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.io.InputStream;

/** A client socket whose traffic is recorded: the plain one, or the TLS one on top of it. */
interface Tapped {
    ConnectionRecorder recorder();

    /** The words of this connection's positive replies (its personality's, or SMTP Lab's own). */
    ConnectionWords words();

    InboundTap inbound();

    OutboundTap outbound();

    /** The input below the tap, for a silent server that reads and ignores. */
    InputStream rawInput();

    /** Closes with RST instead of FIN. */
    void reset() throws IOException;

    static Tapped of(Session session) {
        if (session.getSocket() instanceof Tapped tapped) {
            return tapped;
        }
        throw new IllegalStateException("session " + session.getSessionId() + " is not on a recorded socket");
    }
}
