package dev.smtplab.server.smtp;

import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.util.SMTPResponseHelper;
import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.io.InputStream;

/**
 * DATA, as SubEthaSMTP's own command does it (the same replies, in the same order), but reading
 * the content through {@link MessageContentStream} a buffer at a time instead of a byte at a time.
 * Received headers are never inserted (the server records the exact bytes), so there is none to add.
 */
final class DataContentCommand extends BaseCommand {
    DataContentCommand() {
        super("DATA", "Following text is collected as the message.\nEnd data with <CR><LF>.<CR><LF>");
    }

    @Override
    public void execute(String commandString, Session session) throws IOException, DropConnectionException {
        if (!session.isMailTransactionInProgress()) {
            session.sendResponse("503 5.5.1 Error: need MAIL command");
            return;
        }
        if (session.getRecipientCount() == 0) {
            session.sendResponse("503 Error: need RCPT command");
            return;
        }
        session.sendResponse("354 End data with <CR><LF>.<CR><LF>");
        InputStream content = new MessageContentStream(session.getRawInput());
        String reply;
        try {
            reply = session.getMessageHandler().data(content);
            // Whatever the handler left unread is read here, so that it is not taken for commands.
            content.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (RejectException e) {
            session.sendResponse(e.getErrorResponse());
            return;
        }
        session.sendResponse(reply != null ? SMTPResponseHelper.buildResponse("250", reply) : "250 Ok");
        session.resetMailTransaction();
    }
}
