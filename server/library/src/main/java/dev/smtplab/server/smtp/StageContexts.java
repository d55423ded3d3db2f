package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.SmtpStage;
import dev.smtplab.server.scenario.StageContext;
import org.subethamail.smtp.server.Session;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Function;

/** Builds what rules see at each stage from SubEthaSMTP's session and our recorder. */
final class StageContexts {
    private StageContexts() {
    }

    static StageContext connect(Session session, ConnectionRecorder recorder, String hostName) {
        return new StageContext(SmtpStage.CONNECT, "", "", null, null, null, clientAddress(session), null, -1,
                null, hostName, recorder.sessionId(), List.of());
    }

    /** @param envelope the MAIL or RCPT line's address and parameters, or null for other verbs */
    static StageContext command(SmtpStage stage, String verb, String commandLine, EnvelopeCommand envelope,
                                Session session, ConnectionRecorder recorder, String hostName) {
        String argument = commandLine.length() > verb.length() ? commandLine.substring(verb.length()).trim() : "";
        String sender = recorder.currentSender();
        String recipient = null;
        String helo = session.getHelo().orElse(null);
        if (verb.equals("HELO") || verb.equals("EHLO")) {
            helo = argument;
        } else if (verb.equals("MAIL")) {
            sender = envelope.address();
        } else if (verb.equals("RCPT")) {
            recipient = envelope.address();
        }
        return new StageContext(stage, verb, argument, sender, recipient, helo,
                clientAddress(session), authUser(session), -1, null, hostName, recorder.sessionId(),
                recorder.currentRecipients());
    }

    static StageContext message(Session session, ConnectionRecorder recorder, long size,
                                Function<String, List<String>> headers, String hostName) {
        return new StageContext(SmtpStage.MESSAGE, "", "", recorder.currentSender(), null,
                session.getHelo().orElse(null), clientAddress(session), authUser(session), size, headers, hostName,
                recorder.sessionId(), recorder.currentRecipients());
    }

    private static InetAddress clientAddress(Session session) {
        return session.getRealRemoteAddress().getAddress();
    }

    private static String authUser(Session session) {
        return session.getAuthenticationHandler()
                .map(handler -> handler.getIdentity() == null ? null : handler.getIdentity().toString())
                .orElse(null);
    }
}
