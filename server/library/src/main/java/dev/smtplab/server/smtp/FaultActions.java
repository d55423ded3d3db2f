package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.SmtpReply;
import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.List;

/** The socket-level parts of failure effects, shared by the connect, command and message hooks. */
final class FaultActions {
    private FaultActions() {
    }

    /** Sends every line of a multi-line reply but the last; returns the last, for SubEthaSMTP to send. */
    static String sendAllButLast(Session session, SmtpReply reply) throws IOException {
        List<String> lines = List.of(reply.wireText().split("\r\n"));
        for (int i = 0; i < lines.size() - 1; i++) {
            session.sendResponse(lines.get(i));
        }
        return lines.get(lines.size() - 1).substring(4);
    }

    /** Sends the reply, then closes the connection. */
    static void replyAndClose(Session session, SmtpReply reply) throws IOException {
        session.sendResponse(reply.wireText());
        session.quit();
    }

    /** Closes with a TCP reset (RST), as a crashing server or a middlebox would. */
    static void reset(Session session) throws IOException {
        Tapped.of(session).reset();
        session.quit();
    }

    /** A TLS "handshake_failure" alert record (RFC 8446, 6.2): fatal (2), handshake_failure (40). */
    private static final byte[] HANDSHAKE_FAILURE_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};

    /** Says 220 to STARTTLS, then ends the handshake with a fatal alert, as a server with a broken TLS setup does. */
    static void failTlsHandshake(Session session) throws IOException {
        session.sendResponse("220 2.0.0 Ready to start TLS");
        if (session.getSocket() instanceof TappedSocket plain) {
            plain.passthrough();
            try {
                plain.getInputStream().read(new byte[4096]);
            } catch (IOException e) {
                // the client may already have given up
            }
            plain.getOutputStream().write(HANDSHAKE_FAILURE_ALERT);
            plain.getOutputStream().flush();
        }
        session.quit();
    }

    /**
     * Answers nothing: reads and throws away what the client sends until it gives up (closes) or
     * the idle timeout passes, then closes without a word.
     */
    static void silence(Session session) throws IOException {
        InputStream in = Tapped.of(session).rawInput();
        byte[] sink = new byte[4096];
        try {
            while (in.read(sink) >= 0) {
                // nothing to do: a silent server ignores everything
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // the idle timeout passed, or the connection went away
        }
        session.quit();
    }
}
