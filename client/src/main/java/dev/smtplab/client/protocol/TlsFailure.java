package dev.smtplab.client.protocol;

import java.io.IOException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/** A TLS handshake or certificate check failed; the message names the reason in plain words. */
public final class TlsFailure extends IOException {
    public TlsFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** Turns the JDK's exception into a reason a person can act on. */
    static TlsFailure from(IOException e, String host) {
        return new TlsFailure(reason(e, host), e);
    }

    /** The reason alone, for a certificate or handshake problem of any kind. */
    public static String reason(Exception e, String host) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException) {
                return "the server's certificate has expired (" + cause.getMessage() + ")";
            }
            if (cause instanceof CertificateNotYetValidException) {
                return "the server's certificate is not valid yet (" + cause.getMessage() + ")";
            }
        }
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("unable to find valid certification path") || lower.contains("pkix path")) {
            return "the server's certificate is not trusted: no trusted CA issued it "
                    + "(give the CA with --ca-file, or skip the check with --insecure)";
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return "the server's certificate is not for " + host + " (wrong host name: " + message + ")";
        }
        if (lower.contains("unsupported or unrecognized ssl message") || lower.contains("plaintext connection")) {
            return "the server did not answer in TLS: this port may speak plain SMTP "
                    + "(use --starttls instead of --tls)";
        }
        if (lower.contains("received fatal alert")) {
            return "the server ended the handshake with a TLS alert: "
                    + message.substring(lower.indexOf("received fatal alert") + "received fatal alert: ".length());
        }
        if (lower.contains("remote host terminated") || lower.contains("connection reset")) {
            return "the server closed the connection during the TLS handshake";
        }
        return "TLS handshake failed: " + message;
    }
}
