package dev.smtplab.server.tls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The server's certificate and key, and the CA that issued it when SMTP Lab made its own. Made
 * once into a data folder and reused, so clients that trust the CA keep trusting it across
 * restarts. Certificates are made by {@link Certificates} with the JDK's own providers.
 */
public final class TlsMaterial {
    private static final Duration CA_LIFETIME = Duration.ofDays(3650);
    private static final Duration SERVER_LIFETIME = Duration.ofDays(825);
    private static final String CA_NAME = "CN=SMTP Lab local CA, O=SMTP Lab";

    private final X509Certificate[] chain;
    private final PrivateKey key;
    private final X509Certificate ca;

    private TlsMaterial(X509Certificate[] chain, PrivateKey key, X509Certificate ca) {
        this.chain = chain;
        this.key = key;
        this.ca = ca;
    }

    /**
     * The local CA and a server certificate for the host name, localhost and 127.0.0.1, from the
     * data folder, made there first if missing (or if the host name changed).
     */
    public static TlsMaterial localCa(Path dataFolder, String hostName) {
        try {
            Files.createDirectories(dataFolder);
            Path caCert = dataFolder.resolve("ca.pem");
            Path caKey = dataFolder.resolve("ca-key.pem");
            X509Certificate ca;
            PrivateKey caPrivate;
            if (Files.exists(caCert) && Files.exists(caKey)) {
                ca = readCertificates(caCert).get(0);
                caPrivate = readKey(caKey);
            } else {
                KeyPair pair = Certificates.newKeyPair();
                ca = Certificates.selfSignedCa(CA_NAME, pair, CA_LIFETIME);
                caPrivate = pair.getPrivate();
                write(caCert, pem(ca));
                writePrivate(caKey, pem(caPrivate));
            }
            Path serverCert = dataFolder.resolve("server.pem");
            Path serverKey = dataFolder.resolve("server-key.pem");
            Path serverName = dataFolder.resolve("server.name");
            boolean reusable = Files.exists(serverCert) && Files.exists(serverKey) && Files.exists(serverName)
                    && Files.readString(serverName).trim().equals(hostName)
                    && issuedBy(readCertificates(serverCert).get(0), ca);
            if (!reusable) {
                KeyPair pair = Certificates.newKeyPair();
                X509Certificate server = Certificates.sign("CN=" + hostName + ", O=SMTP Lab", pair.getPublic(),
                        ca.getSubjectX500Principal().getName(), ca.getPublicKey(), caPrivate, hostName, false,
                        SERVER_LIFETIME, Instant.now());
                write(serverCert, pem(server));
                writePrivate(serverKey, pem(pair.getPrivate()));
                write(serverName, hostName + "\n");
            }
            X509Certificate server = readCertificates(serverCert).get(0);
            return new TlsMaterial(new X509Certificate[] {server, ca}, readKey(serverKey), ca);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot make the local CA in " + dataFolder + ": " + e.getMessage(), e);
        }
    }

    /**
     * A fresh CA and a server certificate for the host name, localhost and 127.0.0.1, in memory
     * only: for tests, which trust it through {@link #clientSslContext()} and never touch the disk.
     */
    public static TlsMaterial ephemeral(String hostName) {
        try {
            KeyPair caPair = Certificates.newKeyPair();
            X509Certificate ca = Certificates.selfSignedCa(CA_NAME, caPair, CA_LIFETIME);
            KeyPair pair = Certificates.newKeyPair();
            X509Certificate server = Certificates.sign("CN=" + hostName + ", O=SMTP Lab", pair.getPublic(),
                    ca.getSubjectX500Principal().getName(), ca.getPublicKey(), caPair.getPrivate(), hostName, false,
                    SERVER_LIFETIME, Instant.now());
            return new TlsMaterial(new X509Certificate[] {server, ca}, pair.getPrivate(), ca);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot make a certificate for " + hostName + ": " + e.getMessage(), e);
        }
    }

    /** Still valid, and signed by this CA (a certificate from another CA, or a broken one, is made again). */
    private static boolean issuedBy(X509Certificate certificate, X509Certificate ca) {
        try {
            certificate.checkValidity();
            certificate.verify(ca.getPublicKey());
            return certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The user's own certificate chain and key, both PEM. */
    public static TlsMaterial fromPem(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain;
        try {
            chain = readCertificates(certificateFile);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-cert " + certificateFile + " is not a PEM certificate: "
                    + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("--tls-cert " + certificateFile + " holds no certificate");
        }
        PrivateKey key;
        try {
            key = readKey(keyFile);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--tls-key " + keyFile + " is not a PEM private key: " + e.getMessage(), e);
        }
        return new TlsMaterial(chain.toArray(X509Certificate[]::new), key, null);
    }

    /** The user's PKCS#12 file: its first key entry. */
    public static TlsMaterial fromPkcs12(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Certificate[] chain = store.getCertificateChain(alias);
                    X509Certificate[] x509 = new X509Certificate[chain.length];
                    for (int i = 0; i < chain.length; i++) {
                        x509[i] = (X509Certificate) chain[i];
                    }
                    return new TlsMaterial(x509, (PrivateKey) store.getKey(alias, password), null);
                }
            }
            throw new IllegalArgumentException("--tls-pkcs12 " + file + " holds no private key entry");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--tls-pkcs12 " + file + " cannot be read (wrong password?): "
                    + e.getMessage(), e);
        }
    }

    /** An SSL context that presents this certificate; TLS 1.2 and 1.3 as the JDK offers them. */
    public SSLContext sslContext() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("server", key, password, chain);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the server certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A trust store holding what a client must trust to verify this server: the CA when SMTP Lab
     * made one, else the server's own certificate.
     */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("smtplab", ca != null ? ca : chain[0]);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a trust store: " + e.getMessage(), e);
        }
    }

    /** An SSL context for clients that trusts this server's certificate (and nothing else). */
    public SSLContext clientSslContext() {
        try {
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a client SSL context: " + e.getMessage(), e);
        }
    }

    public X509Certificate serverCertificate() {
        return chain[0];
    }

    /** The CA that issued the server certificate, when SMTP Lab made it; clients trust this one. */
    public java.util.Optional<X509Certificate> caCertificate() {
        return java.util.Optional.ofNullable(ca);
    }

    /** A certificate, or a private key (as PKCS#8, "BEGIN PRIVATE KEY", which every tool reads), as PEM. */
    public static String pem(Object object) {
        if (object instanceof PrivateKey key) {
            return Pem.of(key);
        }
        return Pem.of((X509Certificate) object);
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        return Pem.certificates(Files.readString(file, StandardCharsets.US_ASCII));
    }

    private static PrivateKey readKey(Path file) throws IOException {
        return Pem.privateKey(Files.readString(file, StandardCharsets.US_ASCII));
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    private static void writePrivate(Path file, String text) throws IOException {
        write(file, text);
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: leave the default
        }
    }
}
