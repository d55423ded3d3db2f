package dev.smtplab.server.smtp;

import dev.smtplab.server.record.RecordedMessage;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

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
        ByteArrayOutputStream content = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = data.read(buffer)) >= 0) {
            total += n;
            if (total <= maxMessageSize) {
                content.write(buffer, 0, n);
            }
        }
        // Read to the end before rejecting: what is left in the socket would be parsed as commands.
        if (total > maxMessageSize) {
            throw new RejectException(552, "5.3.4 Message size exceeds fixed maximum message size ("
                    + total + " octets received, " + maxMessageSize + " allowed)");
        }
        RecordedMessage message = recorder.completeTransaction(content.toByteArray());
        return "2.0.0 Ok: queued as " + message.id();
    }

    @Override
    public void done() {
        recorder.transactionEnded();
    }
}
