package dev.smtplab.client.diagnose;

import dev.smtplab.client.explain.Capabilities;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.HostAndPort;
import dev.smtplab.client.protocol.Reply;

import java.util.List;

/**
 * Everything learnt about one host and port, in the order the checks ran. A step that did not run
 * leaves its part null (or empty).
 *
 * @param tlsKind       what this port was checked for
 * @param banner        the greeting, or null when none arrived
 * @param speaksInstead the TLS mode the port really speaks, when it is not {@code tlsKind}; else null
 * @param authReply     the reply to AUTH PLAIN with --auth-user, or null when not tried
 * @param failure       the step the check stopped at, or null when it ran to the end
 * @param ehloGreeting  the first line of the EHLO reply (where some servers say the client's address), or null
 */
public record PortCheck(String host, String address, int port, TlsKind tlsKind, ConnectState connect,
                        long connectMillis, Reply banner, long bannerMillis, List<String> capabilities,
                        boolean heloFallback, Tls tls, List<String> capabilitiesAfterTls, TlsKind speaksInstead,
                        Reply authReply, SenderCheck sender, String reverseDns, Boolean reverseMatchesBanner,
                        CheckFailure failure, String ehloGreeting) {

    public PortCheck {
        capabilities = List.copyOf(capabilities);
        capabilitiesAfterTls = List.copyOf(capabilitiesAfterTls);
    }

    /**
     * The TLS session and certificate, and whether it verifies for the host name.
     *
     * @param daneMatch  whether the chain matches a DNSSEC-proved TLSA record; null where DANE does not apply
     * @param daneRecord the TLSA record it matched ("3 1 1 ..."), or null
     */
    public record Tls(String protocol, String cipher, String subject, List<String> subjectAlternativeNames,
                      String issuer, String notAfter, long daysLeft, String sha256Fingerprint, boolean verified,
                      String verifyError, Boolean daneMatch, String daneRecord) {
    }

    /** The replies to MAIL FROM and RCPT TO; {@code rcpt} is null when MAIL was refused or no --to was given. */
    public record SenderCheck(Reply mail, Reply rcpt) {
    }

    /** The banner's first word: the name the server gives itself; null without a banner. */
    public String bannerName() {
        return banner == null ? null : nameIn(banner);
    }

    static String nameIn(Reply banner) {
        return banner.lines().get(0).split("\\s+")[0];
    }

    /** True when the check stopped at this step. */
    public boolean failedAt(CheckFailure.Kind kind) {
        return failure != null && failure.kind() == kind;
    }

    /** The capabilities in force (after STARTTLS when it happened), each explained in the texts' language. */
    public List<String> capabilityNotes(Texts texts) {
        return Capabilities.explain(texts, capabilitiesAfterTls.isEmpty() ? capabilities : capabilitiesAfterTls);
    }

    public String where() {
        return HostAndPort.format(host, port);
    }

    /** IPv6 when the address checked is one (the host's name may have both families). */
    public boolean ipv6() {
        return address != null && address.contains(":");
    }
}
