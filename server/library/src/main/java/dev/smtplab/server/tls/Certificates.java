package dev.smtplab.server.tls;

import javax.security.auth.x500.X500Principal;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes X.509 v3 certificates (RFC 5280) with the JDK's own key and signature providers: the
 * local CA, and server certificates it issues for a host name, localhost and 127.0.0.1.
 */
public final class Certificates {
    private static final String SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
    private static final String KEY_USAGE = "2.5.29.15";
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";

    private Certificates() {
    }

    /** A new P-256 key pair: small, fast, and accepted by every TLS client in use. */
    public static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /**
     * Signs a certificate. {@code dnsName} non-null makes a server certificate for it, localhost
     * and 127.0.0.1; {@code ca} makes a CA that may issue server certificates. Public so tests can
     * make expired or wrong-name ones.
     *
     * @param subject   a distinguished name such as "CN=localhost, O=SMTP Lab"
     * @param issuer    the issuer's distinguished name (the subject, for a self-signed CA)
     * @param notBefore the certificate is valid from an hour before this (clock skew) for {@code lifetime}
     */
    public static X509Certificate sign(String subject, PublicKey publicKey, String issuer, PublicKey issuerPublicKey,
                                       PrivateKey issuerKey, String dnsName, boolean ca, Duration lifetime,
                                       Instant notBefore) throws GeneralSecurityException {
        boolean ec = issuerKey.getAlgorithm().equals("EC");
        byte[] signatureAlgorithm = ec ? Der.sequence(Der.oid(ECDSA_WITH_SHA256))
                : Der.sequence(Der.oid(SHA256_WITH_RSA), Der.nullValue());
        List<byte[]> extensions = new ArrayList<>();
        extensions.add(extension(SUBJECT_KEY_IDENTIFIER, false, Der.octetString(keyIdentifier(publicKey))));
        extensions.add(extension(AUTHORITY_KEY_IDENTIFIER, false,
                Der.sequence(Der.implicitPrimitive(0, keyIdentifier(issuerPublicKey)))));
        if (ca) {
            extensions.add(extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true), Der.integer(0))));
            // keyCertSign (bit 5) and cRLSign (bit 6): 0000 0110, the last bit unused.
            extensions.add(extension(KEY_USAGE, true, Der.bitString(new byte[] {0x06}, 1)));
        } else {
            extensions.add(extension(BASIC_CONSTRAINTS, true, Der.sequence()));
            // digitalSignature (bit 0) and keyEncipherment (bit 2): 1010 0000, the last five bits unused.
            extensions.add(extension(KEY_USAGE, true, Der.bitString(new byte[] {(byte) 0xa0}, 5)));
            extensions.add(extension(EXTENDED_KEY_USAGE, false, Der.sequence(Der.oid(SERVER_AUTH))));
            extensions.add(extension(SUBJECT_ALT_NAME, false, subjectAltNames(dnsName)));
        }
        byte[] toBeSigned = Der.sequence(
                Der.explicit(0, Der.integer(2)),
                Der.integer(new BigInteger(64, new SecureRandom()).add(BigInteger.ONE)),
                signatureAlgorithm,
                new X500Principal(issuer).getEncoded(),
                Der.sequence(Der.time(notBefore.minus(Duration.ofHours(1)).atZone(ZoneOffset.UTC)),
                        Der.time(notBefore.plus(lifetime).atZone(ZoneOffset.UTC))),
                new X500Principal(subject).getEncoded(),
                publicKey.getEncoded(),
                Der.explicit(3, Der.sequence(extensions.toArray(byte[][]::new))));
        Signature signer = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA");
        signer.initSign(issuerKey);
        signer.update(toBeSigned);
        byte[] certificate = Der.sequence(toBeSigned, signatureAlgorithm, Der.bitString(signer.sign(), 0));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate));
    }

    /** A self-signed CA. */
    public static X509Certificate selfSignedCa(String subject, KeyPair pair, Duration lifetime)
            throws GeneralSecurityException {
        return sign(subject, pair.getPublic(), subject, pair.getPublic(), pair.getPrivate(), null, true, lifetime,
                Instant.now());
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    private static byte[] subjectAltNames(String dnsName) {
        List<byte[]> names = new ArrayList<>();
        names.add(Der.implicitPrimitive(2, dnsName.getBytes(StandardCharsets.US_ASCII)));
        if (!dnsName.equals("localhost")) {
            names.add(Der.implicitPrimitive(2, "localhost".getBytes(StandardCharsets.US_ASCII)));
        }
        try {
            names.add(Der.implicitPrimitive(7, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}).getAddress()));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return Der.sequence(names.toArray(byte[][]::new));
    }

    /** SHA-1 of the subject public key's bits: RFC 5280's method (1) of 4.2.1.2. */
    private static byte[] keyIdentifier(PublicKey key) throws GeneralSecurityException {
        List<Der.Element> info = Der.read(key.getEncoded()).children();
        byte[] bitString = info.get(1).content();
        byte[] bits = new byte[bitString.length - 1];
        System.arraycopy(bitString, 1, bits, 0, bits.length);
        return MessageDigest.getInstance("SHA-1").digest(bits);
    }
}
