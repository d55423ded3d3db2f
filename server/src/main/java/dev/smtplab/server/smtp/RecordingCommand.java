package dev.smtplab.server.smtp;

import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandException;
import org.subethamail.smtp.internal.server.HelpMessage;
import org.subethamail.smtp.server.Session;

import java.io.IOException;

/**
 * Wraps one of SubEthaSMTP's commands to tell the recorder what the command was and how it was
 * answered: the envelope (MAIL and RCPT parameters, each RCPT's reply) is only visible here.
 */
final class RecordingCommand implements Command {
    private final Command delegate;

    RecordingCommand(Command delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(String commandLine, Session session) throws IOException, DropConnectionException {
        TappedSocket socket = TappedSocket.of(session);
        String verb = getName();
        try {
            delegate.execute(commandLine, session);
        } finally {
            if (verb.equals("BDAT")) {
                socket.inbound().chunkCommandDone();
            }
            socket.recorder().commandAnswered(verb, commandLine, session.getHelo().orElse(null));
        }
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
