package dev.smtplab.client.protocol;

/** The server closed the connection while the client was waiting for a reply. */
public final class ConnectionClosedException extends SmtpProtocolException {
    public ConnectionClosedException(String message) {
        super(message);
    }
}
