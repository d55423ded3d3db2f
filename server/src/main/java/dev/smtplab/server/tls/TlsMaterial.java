package dev.smtplab.server.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;

/**
 * The server's certificate and key, and the CA that issued it when SMTP Lab made its own. Made
 * once into a data folder and reused, so clients that trust the CA keep trusting it across
 * restarts. Certificates are made with BouncyCastle and the JDK's own signature providers.
 */
public final class TlsMaterial {
    private static final Duration CA_LIFETIME = Duration.ofDays(3650);
    private static final Duration SERVER_LIFETIME = Duration.ofDays(825);

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
                KeyPair pair = newKeyPair();
                ca = sign(new X500Name("CN=SMTP Lab local CA, O=SMTP Lab"), pair.getPublic(),
                        new X500Name("CN=SMTP Lab local CA, O=SMTP Lab"), pair.getPrivate(), null, true, CA_LIFETIME,
                        Instant.now());
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
                KeyPair pair = newKeyPair();
                X509Certificate server = sign(new X500Name("CN=" + hostName + ", O=SMTP Lab"), pair.getPublic(),
                        X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), caPrivate, hostName, false,
                        SERVER_LIFETIME, Instant.now());
                write(serverCert, pem(server));
                writePrivate(serverKey, pem(pair.getPrivate()));
                write(serverName, hostName + "\n");
            }
            X509Certificate server = readCertificates(serverCert).get(0);
            return new TlsMaterial(new X509Certificate[] {server, ca}, readKey(serverKey), ca);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the local CA in " + dataFolder + ": " + e.getMessage(), e);
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

    public X509Certificate serverCertificate() {
        return chain[0];
    }

    /** The CA that issued the server certificate, when SMTP Lab made it; clients trust this one. */
    public java.util.Optional<X509Certificate> caCertificate() {
        return java.util.Optional.ofNullable(ca);
    }

    /** A certificate, or a private key (as PKCS#8, "BEGIN PRIVATE KEY", which every tool reads), as PEM. */
    public static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            if (object instanceof PrivateKey key) {
                writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
            } else {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    /**
     * Signs a certificate. {@code dnsName} non-null makes a server certificate for it, localhost
     * and 127.0.0.1; {@code ca} makes a CA. Public so tests can make expired or wrong-name ones.
     */
    public static X509Certificate sign(X500Name subject, java.security.PublicKey publicKey, X500Name issuer,
                                       PrivateKey issuerKey, String dnsName, boolean ca, Duration lifetime,
                                       Instant notBefore) throws GeneralSecurityException, OperatorCreationException,
            IOException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, new SecureRandom()).abs(), Date.from(notBefore.minus(Duration.ofHours(1))),
                Date.from(notBefore.plus(lifetime)), subject, publicKey);
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(publicKey));
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.dNSName, dnsName));
            if (!dnsName.equals("localhost")) {
                names.add(new GeneralName(GeneralName.dNSName, "localhost"));
            }
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        String algorithm = issuerKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
    }

    public static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> list = new ArrayList<>();
            for (Certificate certificate : certificates) {
                list.add((X509Certificate) certificate);
            }
            return list;
        }
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException("no private key in " + file);
        }
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
