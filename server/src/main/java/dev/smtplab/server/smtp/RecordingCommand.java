package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.Effect;
import dev.smtplab.server.scenario.SmtpReply;
import dev.smtplab.server.scenario.SmtpStage;
import dev.smtplab.server.scenario.StageContext;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Optional;

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
        TappedSocket socket = TappedSocket.of(session);
        ConnectionRecorder recorder = socket.recorder();
        String verb = getName();
        try {
            if (!applyRules(commandLine, session, socket)) {
                delegate.execute(commandLine, session);
            }
        } finally {
            if (verb.equals("BDAT")) {
                socket.inbound().chunkCommandDone();
            }
            recorder.commandAnswered(verb, commandLine, session.getHelo().orElse(null));
        }
    }

    /** Returns true when a rule answered the command, so SubEthaSMTP must not. */
    private boolean applyRules(String commandLine, Session session, TappedSocket socket) throws IOException {
        String verb = getName();
        SmtpStage stage = SmtpStage.ofVerb(verb).orElse(SmtpStage.ANY_COMMAND);
        StageContext context = StageContexts.command(stage, verb, commandLine, session, socket.recorder(),
                server.hostName);
        Optional<RuleEngine.Fired> fired;
        try {
            fired = server.rules.evaluate(context, socket.recorder(), socket.outbound());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while applying rules");
        }
        if (fired.isEmpty()) {
            return false;
        }
        Effect effect = fired.get().effect();
        String address = context.stage() == SmtpStage.MAIL ? context.sender() : context.recipient();
        if (effect instanceof Effect.Reply reply) {
            session.sendResponse(reply.reply().withAddress(address).wireText());
            return true;
        } else if (effect instanceof Effect.ReplyAndClose reply) {
            SmtpReply sent = reply.reply().withAddress(address);
            socket.recorder().endedBy("rule " + fired.get().ruleId() + " replied " + sent.code() + " to " + verb
                    + " and closed the connection");
            FaultActions.replyAndClose(session, sent);
            return true;
        } else if (effect instanceof Effect.Reset) {
            socket.recorder().endedBy("rule " + fired.get().ruleId() + " reset the connection at " + verb);
            FaultActions.reset(session);
            return true;
        } else if (effect instanceof Effect.Silence) {
            socket.recorder().endedBy("rule " + fired.get().ruleId() + " stopped answering at " + verb);
            FaultActions.silence(session);
            return true;
        } else if (effect instanceof Effect.DropMidMessage drop) {
            socket.recorder().dropMessageAfter(drop.afterOctets());
            return false;
        }
        return false;
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
