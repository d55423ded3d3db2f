package dev.smtplab.client.send;

/** Whether and how a send uses TLS. */
public enum TlsMode {
    /** Plain text throughout. */
    NONE,
    /** TLS from the first byte (port 465). */
    IMPLICIT,
    /** STARTTLS, and fail (exit 29) if the server does not offer it. */
    STARTTLS_REQUIRED,
    /** STARTTLS when the server offers it, plain text otherwise. */
    STARTTLS_OPTIONAL
}
