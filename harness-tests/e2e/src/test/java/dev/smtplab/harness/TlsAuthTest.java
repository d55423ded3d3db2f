package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.tls.Certificates;
import dev.smtplab.server.tls.Pem;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** STARTTLS, implicit TLS and AUTH between our client and our server, and every way TLS can fail. */
class TlsAuthTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    @TempDir
    Path data;
    private Path caFile;
    private FakeSmtpServer server;

    @BeforeEach
    void start() throws Exception {
        TlsMaterial tls = TlsMaterial.localCa(data, "localhost");
        caFile = data.resolve("ca.pem");
        server = FakeSmtpServer.builder().tls(tls).implicitTlsPort(0).authUser("alice", "s3cret").build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private ClientRun sendTls(String... more) {
        String[] base = {"--starttls", "--ca-file", caFile.toString(), "--auth-user", "alice", "--auth-password", "s3cret"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return ClientRun.send(server.port(), args);
    }

    @Test
    void ehlo_offers_starttls_and_auth_only_after_tls() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            in.readLine();
            out.write("EHLO x.test\r\n".getBytes(StandardCharsets.US_ASCII));
            StringBuilder ehlo = new StringBuilder();
            String line;
            do {
                line = in.readLine();
                ehlo.append(line).append('\n');
            } while (line.charAt(3) == '-');
            assertThat(ehlo).contains("250-STARTTLS").doesNotContain("AUTH");
            out.write("AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "LOGIN", "CRAM-MD5"})
    void starttls_then_auth_sends_and_the_record_says_so(String mechanism) throws Exception {
        ClientRun run = sendTls("--auth-mech", mechanism, "--json");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("\"protocol\":\"TLSv1.3\"");
        RecordedMessage message = server.takeMessage(WAIT);
        assertThat(message.overTls()).isTrue();
        assertThat(message.tlsProtocol()).contains("TLSv1.3");
        assertThat(message.authUser()).contains("alice");
        RecordedSession session = server.awaitSession(s -> s.ended().isPresent(), WAIT);
        assertThat(session.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(session.tlsCipher()).startsWith("TLS_");
        assertThat(session.authUser()).isEqualTo("alice");
        assertThat(session.transcriptText()).contains("C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\n-- TLS started: TLSv1.3")
                .contains("-- authenticated as alice").doesNotContain("s3cret");
    }

    @Test
    void implicit_tls_port_speaks_tls_from_the_first_byte() throws Exception {
        ClientRun run = ClientRun.send(server.implicitTlsPort(), "--tls", "--ca-file", caFile.toString(),
                "--auth-user", "alice", "--auth-password", "s3cret");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.takeMessage(WAIT).overTls()).isTrue();
    }

    @Test
    void wrong_password_gets_535_and_exit_28() {
        ClientRun run = ClientRun.send(server.port(), "--starttls", "--ca-file", caFile.toString(),
                "--auth-user", "alice", "--auth-password", "wrong");
        assertThat(run.exitCode()).isEqualTo(28);
        assertThat(run.err()).startsWith("smtplab send: AUTH PLAIN was refused: 535 5.7.8 Authentication credentials invalid");
    }

    @Test
    void untrusted_certificate_is_exit_5_with_the_reason_and_insecure_skips_the_check() {
        ClientRun run = ClientRun.send(server.port(), "--starttls");
        assertThat(run.exitCode()).isEqualTo(5);
        assertThat(run.err()).startsWith("smtplab send: TLS failed with 127.0.0.1:" + server.port()
                + ": the server's certificate is not trusted: no trusted CA issued it");
        assertThat(ClientRun.send(server.port(), "--starttls", "--insecure").exitCode()).isZero();
    }

    @Test
    void certificate_for_another_name_is_exit_5_wrong_host_name() {
        ClientRun run = ClientRun.of("send", "--server", "mail.smtplab.test:" + server.port(), "--from", "a@example.test",
                "--to", "b@example.test", "--starttls", "--ca-file", caFile.toString());
        assertThat(run.exitCode()).isEqualTo(5);
        assertThat(run.err()).contains("the server's certificate is not for mail.smtplab.test (wrong host name");
    }

    @Test
    void expired_certificate_is_exit_5_expired(@TempDir Path folder) throws Exception {
        String caPem = Files.readString(caFile);
        KeyPair pair = Certificates.newKeyPair();
        var caKey = readKey(data.resolve("ca-key.pem"));
        var caCertificate = Pem.certificates(caPem).get(0);
        var expired = Certificates.sign("CN=localhost", pair.getPublic(), "CN=SMTP Lab local CA, O=SMTP Lab",
                caCertificate.getPublicKey(), caKey, "localhost", false, Duration.ofDays(1),
                Instant.now().minus(Duration.ofDays(30)));
        Path cert = folder.resolve("expired.pem");
        Path key = folder.resolve("expired-key.pem");
        Files.writeString(cert, TlsMaterial.pem(expired) + caPem);
        Files.writeString(key, TlsMaterial.pem(pair.getPrivate()));
        try (FakeSmtpServer old = FakeSmtpServer.builder().tls(TlsMaterial.fromPem(cert, key)).build().start()) {
            ClientRun run = ClientRun.send(old.port(), "--starttls", "--ca-file", caFile.toString());
            assertThat(run.exitCode()).isEqualTo(5);
            assertThat(run.err()).contains("the server's certificate has expired");
        }
    }

    @Test
    void handshake_alert_is_exit_5_naming_the_alert() {
        server.setScenario(Scenario.builder().preset("tls-handshake-failure").build());
        ClientRun run = ClientRun.send(server.port(), "--starttls", "--ca-file", caFile.toString());
        assertThat(run.exitCode()).isEqualTo(5);
        assertThat(run.err()).contains("the server ended the handshake with a TLS alert: handshake_failure");
    }

    @Test
    void starttls_refused_is_exit_29_and_auth_tempfail_is_exit_28() {
        server.setScenario(Scenario.builder().preset("starttls-refused").build());
        ClientRun refused = sendTls();
        assertThat(refused.exitCode()).isEqualTo(29);
        assertThat(refused.err()).startsWith("smtplab send: STARTTLS was refused: 454 4.7.0 TLS not available");
        server.setScenario(Scenario.builder().preset("auth-refused").build());
        ClientRun authRefused = sendTls();
        assertThat(authRefused.exitCode()).isEqualTo(28);
        assertThat(authRefused.err()).contains("535 5.7.8 Authentication credentials invalid");
        server.setScenario(Scenario.builder().preset("auth-tempfail").build());
        ClientRun tempfail = sendTls();
        assertThat(tempfail.exitCode()).isEqualTo(28);
        assertThat(tempfail.err()).contains("454 4.7.0 Temporary authentication failure");
    }

    @Test
    void require_tls_and_require_auth_refuse_mail_with_530() throws Exception {
        try (FakeSmtpServer strict = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")).requireTls()
                .authUser("alice", "s3cret").requireAuth().build().start()) {
            ClientRun plain = ClientRun.send(strict.port());
            assertThat(plain.exitCode()).isEqualTo(23);
            assertThat(plain.err()).startsWith("smtplab send: MAIL FROM was refused: 530 5.7.0 Must issue a STARTTLS command first");
            ClientRun noAuth = ClientRun.send(strict.port(), "--starttls", "--ca-file", caFile.toString());
            assertThat(noAuth.exitCode()).isEqualTo(23);
            assertThat(noAuth.err()).startsWith("smtplab send: MAIL FROM was refused: 530 5.7.0 Authentication required");
            ClientRun both = ClientRun.send(strict.port(), "--starttls", "--ca-file", caFile.toString(),
                    "--auth-user", "alice", "--auth-password", "s3cret");
            assertThat(both.exitCode()).as(both.err()).isZero();
        }
    }

    @Test
    void accept_any_and_plaintext_auth_when_allowed() {
        try (FakeSmtpServer open = FakeSmtpServer.builder().authAcceptAny().allowPlaintextAuth().build().start()) {
            ClientRun run = ClientRun.send(open.port(), "--auth-user", "whoever", "--auth-password", "anything");
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
    }

    @Test
    void pkcs12_certificate_is_served(@TempDir Path folder) throws Exception {
        TlsMaterial local = TlsMaterial.localCa(data, "localhost");
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", readKey(data.resolve("server-key.pem")), "pw".toCharArray(),
                new java.security.cert.Certificate[] {local.serverCertificate(), local.caCertificate().orElseThrow()});
        Path p12 = folder.resolve("server.p12");
        try (var out = Files.newOutputStream(p12)) {
            store.store(out, "pw".toCharArray());
        }
        try (FakeSmtpServer fromP12 = FakeSmtpServer.builder().tls(TlsMaterial.fromPkcs12(p12, "pw".toCharArray()))
                .build().start()) {
            assertThat(ClientRun.send(fromP12.port(), "--starttls", "--ca-file", caFile.toString()).exitCode()).isZero();
        }
    }

    @Test
    void local_ca_is_kept_across_restarts() throws Exception {
        String before = Files.readString(caFile);
        TlsMaterial again = TlsMaterial.localCa(data, "localhost");
        assertThat(TlsMaterial.pem(again.caCertificate().orElseThrow())).isEqualTo(before);
        assertThat(again.serverCertificate().getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
                .containsExactly("localhost", "127.0.0.1");
    }

    private static java.security.PrivateKey readKey(Path file) throws Exception {
        try (var parser = new org.bouncycastle.openssl.PEMParser(Files.newBufferedReader(file))) {
            Object object = parser.readObject();
            var converter = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
            if (object instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            return converter.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) object);
        }
    }
}
