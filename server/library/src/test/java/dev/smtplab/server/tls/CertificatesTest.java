package dev.smtplab.server.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Certificates made with the JDK alone: accepted by the JDK's PKIX checks and by openssl. */
class CertificatesTest {

    @Test
    void the_local_ca_issues_a_server_certificate_that_pkix_accepts_for_localhost(@TempDir Path folder)
            throws Exception {
        TlsMaterial material = TlsMaterial.localCa(folder, "mail.example.test");
        X509Certificate server = material.serverCertificate();
        X509Certificate ca = material.caCertificate().orElseThrow();

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(trust);
        ((X509TrustManager) factory.getTrustManagers()[0]).checkServerTrusted(new X509Certificate[] {server, ca}, "ECDHE_ECDSA");

        assertThat(server.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList())
                .containsExactly((Object) "mail.example.test", "localhost", "127.0.0.1");
        assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.getBasicConstraints()).isEqualTo(0);
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(server.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    }

    @Test
    void openssl_verifies_the_chain(@TempDir Path folder) throws Exception {
        TlsMaterial.localCa(folder, "localhost");
        Process openssl = new ProcessBuilder("openssl", "verify", "-CAfile", folder.resolve("ca.pem").toString(),
                folder.resolve("server.pem").toString()).redirectErrorStream(true).start();
        assertThat(openssl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).endsWith(": OK\n");
    }

    @Test
    void an_expired_certificate_says_so() throws Exception {
        KeyPair ca = Certificates.newKeyPair();
        KeyPair pair = Certificates.newKeyPair();
        X509Certificate old = Certificates.sign("CN=old", pair.getPublic(), "CN=ca", ca.getPublic(), ca.getPrivate(),
                "old.test", false, Duration.ofDays(1), Instant.now().minus(Duration.ofDays(30)));
        assertThatThrownBy(old::checkValidity).isInstanceOf(java.security.cert.CertificateExpiredException.class);
    }

    /** Keys as openssl writes them: PKCS#8, and the older PKCS#1 (RSA) and SEC 1 (EC) forms. */
    @Test
    void pem_keys_in_every_form_openssl_writes(@TempDir Path folder) throws Exception {
        for (List<String> command : List.of(
                List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"),
                List.of("openssl", "ecparam", "-name", "prime256v1", "-genkey"),
                List.of("openssl", "genrsa", "-traditional", "2048"),
                List.of("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"),
                List.of("openssl", "genpkey", "-algorithm", "ED25519"))) {
            Process openssl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String pem = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Pem.privateKey(pem)).as(String.join(" ", command)).isNotNull()
                    .satisfies(key -> assertThat(key.getEncoded()).isNotEmpty());
        }
        KeyPair pair = Certificates.newKeyPair();
        assertThat(Pem.privateKey(Pem.of(pair.getPrivate()))).isEqualTo(pair.getPrivate());
    }

    @Test
    void a_file_without_a_usable_key_says_what_it_holds() throws Exception {
        KeyPair pair = Certificates.newKeyPair();
        X509Certificate ca = Certificates.selfSignedCa("CN=x", pair, Duration.ofDays(1));
        assertThatThrownBy(() -> Pem.privateKey(Pem.of(ca)))
                .hasMessage("no private key in it, only CERTIFICATE");
        assertThatThrownBy(() -> Pem.privateKey("just text"))
                .hasMessage("no PEM private key in it");
        assertThatThrownBy(() -> Pem.privateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))
                .hasMessageStartingWith("the key is encrypted; decrypt it first");
        assertThatThrownBy(() -> Pem.privateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
                .hasMessage("the private key is not an EC, RSA or EdDSA key the JDK can read");
    }
}
