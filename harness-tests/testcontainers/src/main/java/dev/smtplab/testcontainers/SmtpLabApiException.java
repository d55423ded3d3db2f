package dev.smtplab.testcontainers;

/** The SMTP Lab API answered with an error (or could not be reached); the message says which and why. */
public final class SmtpLabApiException extends RuntimeException {
    private final int status;

    SmtpLabApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    SmtpLabApiException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status, such as 408 for a wait that timed out; 0 when the API could not be reached. */
    public int status() {
        return status;
    }
}
