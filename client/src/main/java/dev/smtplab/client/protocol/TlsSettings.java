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
 * How the client checks a server's certificate: against the system trust store (the default), a
 * CA file of the user's, or not at all ({@code --insecure}). The host name is checked unless insecure.
 *
 * @param caFile   PEM file of CA certificates to trust instead of the system's, or null
 * @param insecure accept any certificate for any name
 */
public record TlsSettings(Path caFile, boolean insecure) {

    public static TlsSettings systemTrust() {
        return new TlsSettings(null, false);
    }

    public SSLSocketFactory socketFactory() throws IOException {
        try {
            if (insecure) {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustEverything()}, null);
                return context.getSocketFactory();
            }
            if (caFile == null) {
                return SSLContext.getDefault().getSocketFactory();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager()}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The trust manager that checks certificates as these settings say (the system's, or one for --ca-file). */
    public javax.net.ssl.X509ExtendedTrustManager trustManager() throws IOException {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile == null) {
                trust.init((KeyStore) null);
            } else {
                KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                int index = 0;
                for (Certificate certificate : readCertificates(caFile)) {
                    trusted.setCertificateEntry("ca-" + index++, certificate);
                }
                trust.init(trusted);
            }
            for (TrustManager manager : trust.getTrustManagers()) {
                if (manager instanceof javax.net.ssl.X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IOException("no X.509 trust manager in this Java");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException("--ca-file " + file + " holds no PEM certificate");
            }
            return certificates;
        } catch (CertificateException e) {
            throw new IOException("--ca-file " + file + " is not a PEM certificate file: " + e.getMessage(), e);
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
