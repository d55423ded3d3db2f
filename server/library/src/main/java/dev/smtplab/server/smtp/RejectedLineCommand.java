package dev.smtplab.server.smtp;

import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

import java.io.IOException;

/** Answers a malformed line that {@link InboundTap} kept away from SubEthaSMTP, and lets the session go on. */
final class RejectedLineCommand implements Command {

    @Override
    public void execute(String commandLine, Session session) throws IOException {
        session.sendResponse(Tapped.of(session).inbound().takeRejection());
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
