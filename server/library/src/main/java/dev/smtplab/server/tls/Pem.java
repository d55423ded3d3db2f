package dev.smtplab.server.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM (RFC 7468) text of certificates and private keys, as openssl and every TLS tool write it. */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    private static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";

    private Pem() {
    }

    /** A certificate as PEM. */
    public static String of(X509Certificate certificate) {
        try {
            return block("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A private key as PKCS#8 PEM ("BEGIN PRIVATE KEY"), which every tool reads. */
    public static String of(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    private static String block(String label, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
    }

    /** Every certificate in the text, in order. */
    public static List<X509Certificate> certificates(String text) throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : factory.generateCertificates(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))) {
            certificates.add((X509Certificate) certificate);
        }
        return certificates;
    }

    /**
     * The first private key in the text: PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or
     * SEC 1 ("EC PRIVATE KEY"). Other blocks before it (such as "EC PARAMETERS") are passed over.
     *
     * @throws IllegalArgumentException naming what was found instead, or why the key cannot be read
     */
    public static PrivateKey privateKey(String text) {
        Matcher block = BLOCK.matcher(text);
        List<String> seen = new ArrayList<>();
        while (block.find()) {
            String label = block.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the " + label + " block is not valid base64");
            }
            switch (label) {
                case "PRIVATE KEY":
                    return pkcs8(der);
                case "RSA PRIVATE KEY":
                    return pkcs8(Der.sequence(Der.integer(0), Der.sequence(Der.oid(RSA_ENCRYPTION), Der.nullValue()),
                            Der.octetString(der)));
                case "EC PRIVATE KEY":
                    return pkcs8(Der.sequence(Der.integer(0), Der.sequence(Der.oid(EC_PUBLIC_KEY), curveOf(der)),
                            Der.octetString(der)));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException("the key is encrypted; decrypt it first "
                            + "(openssl pkey -in KEY -out PLAIN-KEY)");
                default:
                    seen.add(label);
            }
        }
        throw new IllegalArgumentException(seen.isEmpty() ? "no PEM private key in it"
                : "no private key in it, only " + String.join(", ", seen));
    }

    /** The named curve of a SEC 1 key: its optional {@code [0] parameters}, which openssl always writes. */
    private static byte[] curveOf(byte[] sec1) {
        try {
            for (Der.Element element : Der.read(sec1).children()) {
                if (element.tag() == 0xa0) {
                    Der.Element curve = Der.read(element.content());
                    if (curve.tag() == Der.OBJECT_IDENTIFIER) {
                        return Der.tagged(Der.OBJECT_IDENTIFIER, curve.content());
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the EC PRIVATE KEY block is not a SEC 1 key: " + e.getMessage());
        }
        throw new IllegalArgumentException("the EC PRIVATE KEY names no curve; write it as PKCS#8 "
                + "(openssl pkcs8 -topk8 -nocrypt)");
    }

    private static PrivateKey pkcs8(byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IllegalArgumentException("the private key is not an EC, RSA or EdDSA key the JDK can read");
    }
}
