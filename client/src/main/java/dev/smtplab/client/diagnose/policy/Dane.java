package dev.smtplab.client.diagnose.policy;

import dev.smtplab.client.dns.Dnssec;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * DANE for one MX host (RFC 7672): the TLSA records at {@code _25._tcp.HOST}, whether DNSSEC proves
 * them, and which of them a certificate chain matches.
 *
 * @param status what DNSSEC validation made of the TLSA lookup
 * @param reason why validation failed, or null
 */
public record Dane(String host, String name, Dnssec.Status status, List<Tlsa> records, String reason) {
    public Dane {
        records = List.copyOf(records);
    }

    /** One TLSA record: usage, selector, matching type and the association data in hex. */
    public record Tlsa(int usage, int selector, int matchingType, String data) {
        /** RFC 7672, 3.1.3: SMTP treats PKIX-TA(0) and PKIX-EE(1) as unusable; DANE-TA(2) and DANE-EE(3) count. */
        public boolean usable() {
            return (usage == 2 || usage == 3) && selector <= 1 && matchingType <= 2;
        }

        @Override
        public String toString() {
            return usage + " " + selector + " " + matchingType + " " + (data.length() > 16 ? data.substring(0, 16) + "…" : data);
        }
    }

    /** @param port 25, where MX hosts receive mail (another only for a test server) */
    public static Dane lookUp(String host, int port, Dnssec dnssec) {
        String name = "_" + port + "._tcp." + host.replaceAll("\\.$", "");
        Dnssec.Answer answer = dnssec.query(name, Type.TLSA);
        List<Tlsa> records = new ArrayList<>();
        for (var record : answer.records()) {
            if (record instanceof TLSARecord tlsa) {
                records.add(new Tlsa(tlsa.getCertificateUsage(), tlsa.getSelector(), tlsa.getMatchingType(),
                        HexFormat.of().withUpperCase().formatHex(tlsa.getCertificateAssociationData())));
            }
        }
        return new Dane(host, name, answer.status(), records, answer.reason());
    }

    /** True when DNSSEC proves the records and at least one is usable: a DANE sender then requires a match. */
    public boolean applies() {
        return status == Dnssec.Status.SECURE && records.stream().anyMatch(Tlsa::usable);
    }

    /**
     * The first usable record the chain matches: DANE-EE against the server's own certificate,
     * DANE-TA against any certificate in the chain; null when none does.
     */
    public Tlsa match(List<X509Certificate> chain) {
        for (Tlsa tlsa : records) {
            if (!tlsa.usable()) {
                continue;
            }
            List<X509Certificate> candidates = tlsa.usage() == 3 ? chain.subList(0, Math.min(1, chain.size())) : chain;
            for (X509Certificate certificate : candidates) {
                if (HexFormat.of().withUpperCase().formatHex(associated(certificate, tlsa)).equals(tlsa.data())) {
                    return tlsa;
                }
            }
        }
        return null;
    }

    private static byte[] associated(X509Certificate certificate, Tlsa tlsa) {
        try {
            byte[] selected = tlsa.selector() == 0 ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
            return switch (tlsa.matchingType()) {
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> selected;
            };
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            return new byte[0];
        }
    }
}
