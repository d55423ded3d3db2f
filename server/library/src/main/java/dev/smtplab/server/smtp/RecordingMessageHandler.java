package dev.smtplab.server.smtp;

import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.StoreUnavailableException;
import dev.smtplab.server.scenario.SmtpStage;
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
        try {
            return receive(data);
        } catch (RejectException e) {
            // The message is over, refused or not: the next MAIL starts a new transaction (RFC 5321,
            // 4.1.1.4; Postfix resets too). SubEthaSMTP leaves the refused one open, so it is reset here.
            session.resetMailTransaction();
            throw e;
        }
    }

    private String receive(InputStream data) throws RejectException, IOException {
        Tapped socket = Tapped.of(session);
        ConnectionRecorder recorder = socket.recorder();
        ConnectionRecorder.MessageCut cut = recorder.takeMessageCut();
        if (cut != null) {
            data.readNBytes((int) Math.min(cut.afterOctets(), Integer.MAX_VALUE - 8));
            recorder.endedBy(cut.by() + " reset the connection during the message, after " + cut.afterOctets()
                    + " octets");
            FaultActions.reset(session);
            throw new IOException("connection reset during the message, as a rule asked");
        }
        int maxMessageSize = server.maxMessageSize;
        // The budget is held until the message is stored (or refused): it is in flight until then.
        try (MessageContent message = new MessageContent(server.dataBudget, maxMessageSize).readFrom(data)) {
            if (message.refusal() == MessageContent.Refusal.TOO_BIG) {
                throw new RejectException(552, "5.3.4 Message size exceeds fixed maximum message size ("
                        + message.total() + " octets received, " + maxMessageSize + " allowed)");
            }
            if (message.refusal() == MessageContent.Refusal.NO_MEMORY) {
                recorder.event("the message (" + message.total() + " octets) did not fit in the memory left for "
                        + "messages in flight (--max-data-in-flight)");
                throw new RejectException(452, "4.3.1 Insufficient system storage");
            }
            byte[] content = message.bytes();
            if (applyRules(content, recorder, socket)) {
                return "2.0.0 Ok: queued";
            }
            java.util.Map<String, dev.smtplab.server.bounce.Notice> notices = recorder.takeNotices();
            RecordedMessage accepted = recorder.completeTransaction(content);
            try {
                server.store.keep(accepted);
            } catch (StoreUnavailableException e) {
                recorder.abandonAcceptedMessage("the message could not be stored: " + e.getMessage());
                throw new RejectException(451, "4.3.0 Error: queue file write error");
            }
            server.notifications.accepted(accepted, notices, recorder);
            return "2.0.0 Ok: queued as " + accepted.id();
        }
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
        EffectApplier.Next next = EffectApplier.apply(fired.get(), SmtpStage.MESSAGE, null, null, session, recorder);
        if (next instanceof EffectApplier.Answer answer) {
            // SubEthaSMTP sends the last line of the reply from the exception, and closes for a drop.
            String lastLine = FaultActions.sendAllButLast(session, answer.reply());
            if (answer.close()) {
                throw new DropConnectionException(answer.reply().code(), lastLine);
            }
            throw new RejectException(answer.reply().code(), lastLine);
        } else if (next instanceof EffectApplier.Closed) {
            throw new IOException("the connection was closed after the message, as a rule asked");
        } else if (next instanceof EffectApplier.Discard) {
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
