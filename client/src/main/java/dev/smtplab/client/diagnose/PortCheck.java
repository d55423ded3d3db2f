package dev.smtplab.client.diagnose;

import java.util.List;

/**
 * Everything learnt about one host and port, in the order the checks ran.
 *
 * @param connect       open, refused, filtered, unreachable or name-not-found
 * @param tlsMode       "starttls" or "implicit": what this port was checked for
 * @param wrongTlsMode  what the port really speaks, when it is not what the mode expects; else null
 * @param authReply     the reply to AUTH PLAIN with --auth-user, or null when not tried
 */
public record PortCheck(String host, String address, int port, String tlsMode, String connect, long connectMillis,
                        Integer bannerCode, String banner, long bannerMillis, List<String> capabilities,
                        boolean heloFallback, Tls tls, List<String> capabilitiesAfterTls, String wrongTlsMode,
                        String authReply, SenderCheck sender, String reverseDns, Boolean reverseMatchesBanner,
                        String error) {

    /** The TLS session and certificate, and whether it verifies for the host name. */
    public record Tls(String protocol, String cipher, String subject, List<String> subjectAlternativeNames,
                      String issuer, String notAfter, long daysLeft, String sha256Fingerprint, boolean verified,
                      String verifyError) {
    }

    /** MAIL FROM and RCPT TO, each reply and what it means. */
    public record SenderCheck(String mailReply, String mailMeaning, String rcptReply, String rcptMeaning) {
    }

    /** The capabilities in force (after STARTTLS when it happened), each explained. */
    public List<String> capabilityNotes() {
        return Capabilities.explain(capabilitiesAfterTls.isEmpty() ? capabilities : capabilitiesAfterTls);
    }

    public String where() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
