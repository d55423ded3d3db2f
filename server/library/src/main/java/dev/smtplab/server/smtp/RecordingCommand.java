package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.SmtpStage;
import dev.smtplab.server.scenario.StageContext;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * Wraps one of SubEthaSMTP's commands: applies the failure rules for its stage first, then runs it
 * (unless a rule answered instead), then tells the recorder how it was answered. The envelope
 * (MAIL and RCPT parameters, each RCPT's reply) is only visible here.
 */
final class RecordingCommand implements Command {
    private final Command delegate;
    private final ServerContext server;

    RecordingCommand(Command delegate, ServerContext server) {
        this.delegate = delegate;
        this.server = server;
    }

    @Override
    public void execute(String commandLine, Session session) throws IOException, DropConnectionException {
        Tapped socket = Tapped.of(session);
        ConnectionRecorder recorder = socket.recorder();
        String verb = getName();
        EnvelopeCommand envelope = EnvelopeCommand.of(verb, commandLine);
        LabAuthentication.plaintext(!session.isTLSStarted());
        try {
            if (server.strict != null && server.strict.tooManyErrors(recorder, session)) {
                return;
            }
            if (verb.equals("AUTH") && !mayTryToLogIn(recorder, session)) {
                return;
            }
            if (!refusedByPolicy(verb, session) && !refusedAsMalformed(verb, commandLine, session)
                    && !applyRules(commandLine, envelope, session, socket)
                    && (server.strict == null || !server.strict.perform(verb, commandLine, session))) {
                delegate.execute(commandLine, session);
            }
        } finally {
            if (verb.equals("BDAT")) {
                socket.inbound().chunkCommandDone();
            }
            if (verb.equals("AUTH") && recorder.lastReplyCode() == 535) {
                recorder.authFailed();
                server.authThrottle.failed(recorder.clientAddress());
            }
            if (verb.equals("AUTH") && session.isAuthenticated()) {
                session.getAuthenticationHandler().map(handler -> handler.getIdentity())
                        .ifPresent(identity -> recorder.authenticated(String.valueOf(identity)));
            }
            recorder.commandAnswered(verb, envelope, session.getHelo().orElse(null));
        }
    }

    /**
     * Password guessing made slow: after --max-auth-failures failed logins the session ends with 421,
     * and an address with recent failures waits before each AUTH (see {@link AuthThrottle}).
     */
    private boolean mayTryToLogIn(ConnectionRecorder recorder, Session session) throws IOException {
        SmtpSettings settings = server.settings;
        if (recorder.authFailures() >= settings.limits().maxAuthFailures()) {
            recorder.endedBy("the client failed to log in " + recorder.authFailures() + " times, the most a session "
                    + "may (--max-auth-failures)");
            session.sendResponse("421 4.7.0 " + settings.hostName() + " Error: too many failed authentications");
            session.quit();
            return false;
        }
        int recent = server.authThrottle.recentFailures(recorder.clientAddress());
        java.time.Duration delay = AuthThrottle.delayAfter(recent);
        if (!delay.isZero()) {
            recorder.event("AUTH waits " + delay.toSeconds() + " s: " + recent + " failed logins from "
                    + recorder.clientAddress() + " in the last 10 minutes");
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while slowing down a login");
            }
        }
        return true;
    }

    private static final Set<String> ALLOWED_BEFORE_TLS = Set.of("EHLO", "HELO", "STARTTLS", "NOOP", "RSET", "QUIT");
    private static final Set<String> NEED_AUTH = Set.of("MAIL", "RCPT", "DATA", "BDAT");

    /** --require-tls, --require-auth, and AUTH only over TLS: answered here, with the RFCs' codes. */
    private boolean refusedByPolicy(String verb, Session session) throws IOException {
        SmtpSettings settings = server.settings;
        if (settings.requireTls() && !session.isTLSStarted() && !ALLOWED_BEFORE_TLS.contains(verb)) {
            session.sendResponse("530 5.7.0 Must issue a STARTTLS command first");
            return true;
        }
        if (verb.equals("AUTH") && settings.auth().enabled() && !session.isTLSStarted()
                && !settings.auth().allowPlaintext()) {
            // RFC 4954, 4: a server should not offer plain-text mechanisms without TLS.
            session.sendResponse("538 5.7.11 Encryption required for requested authentication mechanism");
            return true;
        }
        if (settings.auth().required() && !session.isAuthenticated() && NEED_AUTH.contains(verb)) {
            session.sendResponse("530 5.7.0 Authentication required");
            return true;
        }
        return false;
    }

    /**
     * The strict mode's refusal of a malformed command (Postfix's words), before any rule sees it.
     * The lenient mode refuses only what would break SubEthaSMTP: a SIZE too large for it.
     */
    private boolean refusedAsMalformed(String verb, String commandLine, Session session) throws IOException {
        String refusal = server.strict != null ? server.strict.refusal(verb, commandLine, session)
                : verb.equals("MAIL") ? StrictDialogue.sizeOverLimit(commandLine, server.settings.maxMessageSize()) : null;
        if (refusal != null) {
            session.sendResponse(refusal);
            return true;
        }
        return false;
    }

    /** Returns true when a rule answered the command, so SubEthaSMTP must not. */
    private boolean applyRules(String commandLine, EnvelopeCommand envelope, Session session, Tapped socket)
            throws IOException {
        String verb = getName();
        SmtpStage stage = SmtpStage.ofVerb(verb).orElse(SmtpStage.ANY_COMMAND);
        StageContext context = StageContexts.command(stage, verb, commandLine, envelope, session, socket.recorder(),
                server.hostName);
        Optional<RuleEngine.Fired> fired = server.rules.evaluateInSession(context, socket.recorder(), socket.outbound());
        if (fired.isEmpty()) {
            return false;
        }
        String address = context.stage() == SmtpStage.MAIL ? context.sender() : context.recipient();
        EffectApplier.Next next = EffectApplier.apply(fired.get(), stage, verb, address, session, socket.recorder());
        if (next instanceof EffectApplier.Answer answer) {
            if (answer.close()) {
                FaultActions.replyAndClose(session, answer.reply());
            } else {
                session.sendResponse(answer.reply().wireText());
            }
            return true;
        }
        return next instanceof EffectApplier.Closed;
    }

    @Override
    public HelpMessage getHelp() throws CommandException {
        return delegate.getHelp();
    }

    @Override
    public String getName() {
        return delegate.getName();
    }
}
