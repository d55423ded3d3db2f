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
        TappedSocket.of(session).reset();
        session.quit();
    }

    /**
     * Answers nothing: reads and throws away what the client sends until it gives up (closes) or
     * the idle timeout passes, then closes without a word.
     */
    static void silence(Session session) throws IOException {
        InputStream in = TappedSocket.of(session).rawInput();
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
