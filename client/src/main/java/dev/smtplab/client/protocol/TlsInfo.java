package dev.smtplab.client.protocol;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** What a TLS session turned out to be: protocol, cipher and the server's certificate. */
public record TlsInfo(String protocol, String cipher, String subject, String issuer, String notAfter,
                      String sha256Fingerprint) {

    static TlsInfo of(SSLSession session) {
        String subject = null;
        String issuer = null;
        String notAfter = null;
        String fingerprint = null;
        try {
            if (session.getPeerCertificates()[0] instanceof X509Certificate certificate) {
                subject = certificate.getSubjectX500Principal().getName();
                issuer = certificate.getIssuerX500Principal().getName();
                notAfter = certificate.getNotAfter().toInstant().toString();
                fingerprint = HexFormat.ofDelimiter(":").withUpperCase()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
            }
        } catch (SSLPeerUnverifiedException | CertificateEncodingException | NoSuchAlgorithmException e) {
            // no certificate to describe
        }
        return new TlsInfo(session.getProtocol(), session.getCipherSuite(), subject, issuer, notAfter, fingerprint);
    }
}
