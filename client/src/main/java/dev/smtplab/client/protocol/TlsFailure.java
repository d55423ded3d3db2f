package dev.smtplab.client.protocol;

import java.io.IOException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/** A TLS handshake or certificate check failed; the message names the reason in plain words. */
public final class TlsFailure extends IOException {
    /** What went wrong, as far as the JDK's exception tells. */
    public enum Kind {
        EXPIRED, NOT_YET_VALID, UNTRUSTED, WRONG_HOST,
        /** The peer did not answer in TLS: it probably speaks plain SMTP. */
        NOT_TLS,
        ALERT, CLOSED, OTHER
    }

    private final Kind kind;

    private TlsFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Turns the JDK's exception into a reason a person can act on. */
    static TlsFailure from(IOException e, String host) {
        return new TlsFailure(kind(e), reason(e, host), e);
    }

    public Kind kind() {
        return kind;
    }

    /** The kind of a certificate or handshake problem of any kind. */
    public static Kind kind(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof TlsFailure failure) {
                return failure.kind;
            }
            if (cause instanceof CertificateExpiredException) {
                return Kind.EXPIRED;
            }
            if (cause instanceof CertificateNotYetValidException) {
                return Kind.NOT_YET_VALID;
            }
        }
        String lower = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (lower.contains("unable to find valid certification path") || lower.contains("pkix path")) {
            return Kind.UNTRUSTED;
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return Kind.WRONG_HOST;
        }
        if (lower.contains("unsupported or unrecognized ssl message") || lower.contains("plaintext connection")) {
            return Kind.NOT_TLS;
        }
        if (lower.contains("received fatal alert")) {
            return Kind.ALERT;
        }
        if (lower.contains("remote host terminated") || lower.contains("connection reset")) {
            return Kind.CLOSED;
        }
        return Kind.OTHER;
    }

    /** The reason alone, in plain words. */
    public static String reason(Exception e, String host) {
        if (e instanceof TlsFailure) {
            return e.getMessage();
        }
        String message = String.valueOf(e.getMessage());
        return switch (kind(e)) {
            case EXPIRED -> "the server's certificate has expired (" + causeMessage(e, CertificateExpiredException.class) + ")";
            case NOT_YET_VALID -> "the server's certificate is not valid yet ("
                    + causeMessage(e, CertificateNotYetValidException.class) + ")";
            case UNTRUSTED -> "the server's certificate is not trusted: no trusted CA issued it "
                    + "(give the CA with --ca-file, or skip the check with --insecure)";
            case WRONG_HOST -> "the server's certificate is not for " + host + " (wrong host name: " + message + ")";
            case NOT_TLS -> "the server did not answer in TLS: this port may speak plain SMTP "
                    + "(use --starttls instead of --tls)";
            case ALERT -> "the server ended the handshake with a TLS alert: " + message.substring(
                    message.toLowerCase(Locale.ROOT).indexOf("received fatal alert") + "received fatal alert: ".length());
            case CLOSED -> "the server closed the connection during the TLS handshake";
            case OTHER -> "TLS handshake failed: " + message;
        };
    }

    private static String causeMessage(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return cause.getMessage();
            }
        }
        return String.valueOf(e.getMessage());
    }
}
