package dev.smtplab.server.record;

/** A wait for messages ended before they arrived. The message says what was expected and what came. */
public final class MessageWaitTimeoutException extends RuntimeException {
    public MessageWaitTimeoutException(String message) {
        super(message);
    }
}
