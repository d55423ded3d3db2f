package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Independent clients (swaks, curl, Python's smtplib) over STARTTLS, implicit TLS and AUTH against our server. */
@Timeout(120)
class RealClientsTlsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    Path data;
    private Path ca;
    private FakeSmtpServer server;

    @BeforeEach
    void start() {
        server = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")).implicitTlsPort(0)
                .authUser("alice", "s3cret").build().start();
        ca = data.resolve("ca.pem");
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, String stdin) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void swaks_starttls_with_auth() throws Exception {
        String swaks = Peers.program("swaks", "swaks").toString();
        Result result = run(List.of(swaks, "--server", "127.0.0.1:" + server.port(), "--from", "alice@example.test",
                "--to", "bob@example.test", "--tls", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "s3cret",
                "--header", "Subject: swaks over STARTTLS"), null);
        assertThat(result.exitCode()).as(result.output()).isZero();
        RecordedMessage message = server.takeMessage(WAIT);
        assertThat(message.overTls()).isTrue();
        assertThat(message.authUser()).contains("alice");
        assertThat(message.subject()).contains("swaks over STARTTLS");
    }

    @Test
    void swaks_tls_on_connect_with_auth_login() throws Exception {
        String swaks = Peers.program("swaks", "swaks").toString();
        Result result = run(List.of(swaks, "--server", "127.0.0.1:" + server.implicitTlsPort(), "--from", "alice@example.test",
                "--to", "bob@example.test", "--tls-on-connect", "--auth", "LOGIN", "--auth-user", "alice",
                "--auth-password", "s3cret"), null);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(server.takeMessage(WAIT).authUser()).contains("alice");
    }

    @Test
    void swaks_wrong_password_gets_535() throws Exception {
        String swaks = Peers.program("swaks", "swaks").toString();
        Result result = run(List.of(swaks, "--server", "127.0.0.1:" + server.port(), "--from", "alice@example.test",
                "--to", "bob@example.test", "--tls", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "nope"), null);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("535 5.7.8 Authentication credentials invalid");
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void curl_with_ssl_reqd_and_the_ca() throws Exception {
        String curl = Peers.program("curl", "curl").toString();
        Path message = data.resolve("message.eml");
        Files.writeString(message, "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: curl over TLS\r\n\r\nhello\r\n");
        Result result = run(List.of(curl, "-sS", "--ssl-reqd", "--cacert", ca.toString(),
                "smtp://localhost:" + server.port() + "/client.test", "--mail-from", "alice@example.test",
                "--mail-rcpt", "bob@example.test", "--user", "alice:s3cret", "-T", message.toString()), null);
        assertThat(result.exitCode()).as(result.output()).isZero();
        RecordedMessage received = server.takeMessage(WAIT);
        assertThat(received.overTls()).isTrue();
        assertThat(received.subject()).contains("curl over TLS");
    }

    @Test
    void python_smtplib_starttls_and_login_over_tls_1_2_and_1_3() throws Exception {
        for (String version : List.of("TLSv1_2", "TLSv1_3")) {
            String script = String.join("\n",
                    "import smtplib, ssl",
                    "context = ssl.create_default_context(cafile='" + ca + "')",
                    "context.minimum_version = context.maximum_version = ssl.TLSVersion." + version,
                    "with smtplib.SMTP('localhost', " + server.port() + ", timeout=10) as smtp:",
                    "    smtp.starttls(context=context)",
                    "    smtp.login('alice', 's3cret')",
                    "    smtp.sendmail('alice@example.test', ['bob@example.test'], 'Subject: python " + version + "\\r\\n\\r\\nhi\\r\\n')",
                    "print('ok')");
            Result result = run(new ArrayList<>(List.of(Peers.python(), "-c", script)), null);
            assertThat(result.output()).as(result.output()).isEqualTo("ok\n");
            RecordedMessage message = server.takeMessage(WAIT);
            assertThat(message.tlsProtocol()).contains(version.replace('_', '.'));
            assertThat(message.authUser()).contains("alice");
        }
    }
}
