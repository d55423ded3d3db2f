package dev.smtplab.client.protocol;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

/**
 * How the client checks a server's certificate: against the system trust store plus the local
 * SMTP Lab CA (the default), a CA file of the user's, or not at all ({@code --insecure}). The host
 * name is checked unless insecure.
 *
 * <p>The local CA is the one an SMTP Lab server on this machine made in its data folder
 * ({@code ~/.smtplab/ca.pem}): trusting it lets the client talk TLS to that server without
 * ceremony, while every other server is still checked against the system's CAs alone (the local
 * CA signs only what that server made).
 *
 * @param caFile   PEM file of CA certificates to trust instead of the system's, or null
 * @param insecure accept any certificate for any name
 * @param localCa  the local SMTP Lab CA certificate to trust as well, or null; ignored with caFile
 */
public record TlsSettings(Path caFile, boolean insecure, Path localCa) {

    public TlsSettings(Path caFile, boolean insecure) {
        this(caFile, insecure, null);
    }

    public static TlsSettings systemTrust() {
        return new TlsSettings(null, false, null);
    }

    /** The local CA of an SMTP Lab server's data folder, if that folder holds one. */
    public static Path localCaIn(Path dataFolder) {
        Path ca = dataFolder.resolve("ca.pem");
        return Files.isReadable(ca) ? ca : null;
    }

    /** The local CA that will be trusted besides the system's, if any. */
    public java.util.Optional<Path> trustedLocalCa() {
        return caFile == null && !insecure ? java.util.Optional.ofNullable(localCa) : java.util.Optional.empty();
    }

    public SSLSocketFactory socketFactory() throws IOException {
        try {
            if (insecure) {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustEverything()}, null);
                return context.getSocketFactory();
            }
            if (caFile == null && localCa == null) {
                return SSLContext.getDefault().getSocketFactory();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager()}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * The trust manager that checks certificates as these settings say: the --ca-file's CAs; or
     * the system's CAs and the local SMTP Lab CA.
     */
    public javax.net.ssl.X509ExtendedTrustManager trustManager() throws IOException {
        try {
            if (caFile == null && localCa == null) {
                return x509(null);
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            if (caFile != null) {
                for (Certificate certificate : readCertificates(caFile, "--ca-file " + caFile)) {
                    trusted.setCertificateEntry("ca-" + index++, certificate);
                }
            } else {
                for (X509Certificate system : x509(null).getAcceptedIssuers()) {
                    trusted.setCertificateEntry("system-" + index++, system);
                }
                for (Certificate certificate : readCertificates(localCa, "the local SMTP Lab CA " + localCa)) {
                    trusted.setCertificateEntry("smtplab-local-" + index++, certificate);
                }
            }
            return x509(trusted);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static javax.net.ssl.X509ExtendedTrustManager x509(KeyStore trusted)
            throws GeneralSecurityException, IOException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        for (TrustManager manager : trust.getTrustManagers()) {
            if (manager instanceof javax.net.ssl.X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new IOException("no X.509 trust manager in this Java");
    }

    private static Collection<? extends Certificate> readCertificates(Path file, String what) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException(what + " holds no PEM certificate");
            }
            return certificates;
        } catch (CertificateException e) {
            throw new IOException(what + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /** For --insecure only: the user asked to skip the check. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
