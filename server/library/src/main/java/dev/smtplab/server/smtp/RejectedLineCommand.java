package dev.smtplab.server.smtp;

import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

import java.io.IOException;

/** Answers a malformed line that {@link InboundTap} kept away from SubEthaSMTP, and lets the session go on. */
final class RejectedLineCommand implements Command {

    private final ServerContext server;

    RejectedLineCommand(ServerContext server) {
        this.server = server;
    }

    @Override
    public void execute(String commandLine, Session session) throws IOException {
        Tapped socket = Tapped.of(session);
        String rejection = socket.inbound().takeRejection();
        if (server.strict != null && server.strict.tooManyErrors(socket.recorder(), session)) {
            return;
        }
        session.sendResponse(rejection);
    }

    @Override
    public HelpMessage getHelp() {
        return new HelpMessage(getName(), "not a command");
    }

    @Override
    public String getName() {
        return InboundTap.REJECTED_LINE_VERB;
    }
}
