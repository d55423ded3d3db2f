package dev.smtplab.server.smtp;

import dev.smtplab.server.record.RecordedMessage;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * SubEthaSMTP's per-transaction handler: accepts every sender and recipient (faults come later, in
 * rules) and records the message before the 250 goes out, so a client that saw 250 can find it.
 */
final class RecordingMessageHandler implements MessageHandler {
    private final ConnectionRecorder recorder;
    private final int maxMessageSize;

    RecordingMessageHandler(ConnectionRecorder recorder, int maxMessageSize) {
        this.recorder = recorder;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public void from(String from) {
    }

    @Override
    public void recipient(String recipient) {
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        byte[] content = data.readNBytes(maxMessageSize + 1);
        if (content.length > maxMessageSize) {
            // Read to the end before rejecting: what is left in the socket would be parsed as commands.
            long total = content.length + data.transferTo(OutputStream.nullOutputStream());
            throw new RejectException(552, "5.3.4 Message size exceeds fixed maximum message size ("
                    + total + " octets received, " + maxMessageSize + " allowed)");
        }
        RecordedMessage message = recorder.completeTransaction(content);
        return "2.0.0 Ok: queued as " + message.id();
    }

    @Override
    public void done() {
        recorder.transactionEnded();
    }
}
