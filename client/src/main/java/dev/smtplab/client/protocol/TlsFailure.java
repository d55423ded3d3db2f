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
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException) {
                return new TlsFailure("the server's certificate has expired (" + cause.getMessage() + ")", e);
            }
            if (cause instanceof CertificateNotYetValidException) {
                return new TlsFailure("the server's certificate is not valid yet (" + cause.getMessage() + ")", e);
            }
        }
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("unable to find valid certification path") || lower.contains("pkix path")) {
            return new TlsFailure("the server's certificate is not trusted: no trusted CA issued it "
                    + "(give the CA with --ca-file, or skip the check with --insecure)", e);
        }
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return new TlsFailure("the server's certificate is not for " + host + " (wrong host name: " + message + ")", e);
        }
        if (lower.contains("unsupported or unrecognized ssl message") || lower.contains("plaintext connection")) {
            return new TlsFailure("the server did not answer in TLS: this port may speak plain SMTP "
                    + "(use --starttls instead of --tls)", e);
        }
        if (lower.contains("received fatal alert")) {
            return new TlsFailure("the server ended the handshake with a TLS alert: "
                    + message.substring(lower.indexOf("received fatal alert") + "received fatal alert: ".length()), e);
        }
        if (lower.contains("remote host terminated") || lower.contains("connection reset")) {
            return new TlsFailure("the server closed the connection during the TLS handshake", e);
        }
        return new TlsFailure("TLS handshake failed: " + message, e);
    }
}
