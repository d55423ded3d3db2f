package dev.smtplab.client.diagnose;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The step at which a port's check stopped, and the detail the peer or the JDK gave.
 *
 * @param detail the connect failure's message, the reply, the TLS reason or the I/O error
 */
public record CheckFailure(Kind kind, String detail) {
    public enum Kind {
        CONNECT,
        NO_BANNER_IN_TIME,
        NO_BANNER,
        NOT_SMTP,
        TLS_FAILED,
        STARTTLS_REFUSED,
        EHLO_REFUSED,
        BROKE_OFF
    }

    /** One sentence for people. */
    @JsonProperty
    public String message() {
        return switch (kind) {
            case CONNECT -> detail;
            case NO_BANNER_IN_TIME -> "no banner within " + detail;
            case NO_BANNER -> "no banner: " + detail;
            case NOT_SMTP -> "the server sent something that is not SMTP: " + detail;
            case TLS_FAILED -> "TLS failed: " + detail;
            case STARTTLS_REFUSED -> "STARTTLS was refused: " + detail;
            case EHLO_REFUSED -> "EHLO was refused: " + detail;
            case BROKE_OFF -> "the server broke off: " + detail;
        };
    }
}
