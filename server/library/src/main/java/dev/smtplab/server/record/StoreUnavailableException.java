package dev.smtplab.server.record;

/**
 * A store could not write what it was given (a full disk, a database gone away). The SMTP client is
 * answered {@code 451 4.3.0}, as Postfix does when it cannot write its queue file, and may try again.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
