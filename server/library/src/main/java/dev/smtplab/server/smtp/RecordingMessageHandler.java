package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.Effect;
import dev.smtplab.server.scenario.StageContext;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * SubEthaSMTP's per-transaction handler. MAIL and RCPT are judged by the command hooks; this one
 * reads the message, applies the rules at the message stage, and records the message before the
 * 250 goes out, so a client that saw 250 can find it.
 */
final class RecordingMessageHandler implements MessageHandler {
    private final Session session;
    private final ServerContext server;

    RecordingMessageHandler(Session session, ServerContext server) {
        this.session = session;
        this.server = server;
    }

    @Override
    public void from(String from) {
    }

    @Override
    public void recipient(String recipient) {
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        Tapped socket = Tapped.of(session);
        ConnectionRecorder recorder = socket.recorder();
        long dropAfter = recorder.takeDropMessageAfter();
        if (dropAfter >= 0) {
            data.readNBytes((int) Math.min(dropAfter, Integer.MAX_VALUE - 8));
            recorder.endedBy("a rule reset the connection during the message, after " + dropAfter + " octets");
            FaultActions.reset(session);
            throw new IOException("connection reset during the message, as a rule asked");
        }
        int maxMessageSize = server.maxMessageSize;
        byte[] content = data.readNBytes(maxMessageSize + 1);
        if (content.length > maxMessageSize) {
            // Read to the end before rejecting: what is left in the socket would be parsed as commands.
            long total = content.length + data.transferTo(OutputStream.nullOutputStream());
            throw new RejectException(552, "5.3.4 Message size exceeds fixed maximum message size ("
                    + total + " octets received, " + maxMessageSize + " allowed)");
        }
        if (applyRules(content, recorder, socket)) {
            return "2.0.0 Ok: queued";
        }
        return "2.0.0 Ok: queued as " + recorder.completeTransaction(content).id();
    }

    /** Returns true when a rule discarded the message; throws when a rule rejects it. */
    private boolean applyRules(byte[] content, ConnectionRecorder recorder, Tapped socket)
            throws RejectException, IOException {
        StageContext context = StageContexts.message(session, recorder, content.length,
                name -> headerValues(content, name), server.hostName);
        Optional<RuleEngine.Fired> fired = server.rules.evaluateInSession(context, recorder, socket.outbound());
        if (fired.isEmpty()) {
            return false;
        }
        Effect effect = fired.get().effect();
        if (effect instanceof Effect.Reply reply) {
            throw new RejectException(reply.reply().code(), FaultActions.sendAllButLast(session, reply.reply()));
        } else if (effect instanceof Effect.ReplyAndClose reply) {
            recorder.endedBy("rule " + fired.get().ruleId() + " replied " + reply.reply().code()
                    + " to the message and closed the connection");
            throw new DropConnectionException(reply.reply().code(), FaultActions.sendAllButLast(session, reply.reply()));
        } else if (effect instanceof Effect.Reset) {
            recorder.endedBy("rule " + fired.get().ruleId() + " reset the connection after the message");
            FaultActions.reset(session);
            throw new IOException("connection reset after the message, as a rule asked");
        } else if (effect instanceof Effect.Silence) {
            recorder.endedBy("rule " + fired.get().ruleId() + " stopped answering after the message");
            FaultActions.silence(session);
            throw new IOException("silent after the message, as a rule asked");
        } else if (effect instanceof Effect.Discard) {
            recorder.transactionEnded();
            return true;
        }
        return false;
    }

    private static List<String> headerValues(byte[] content, String name) {
        try {
            String[] values = new InternetHeaders(new ByteArrayInputStream(content), true).getHeader(name);
            return values == null ? List.of() : Arrays.asList(values);
        } catch (MessagingException e) {
            return List.of();
        }
    }

    @Override
    public void done() {
        Tapped.of(session).recorder().transactionEnded();
    }
}
