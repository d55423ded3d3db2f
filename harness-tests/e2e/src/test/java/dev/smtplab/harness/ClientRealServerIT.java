package dev.smtplab.harness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Our client against a real, independent server (aiosmtpd): a delivery it received, and a real rejection. */
@Timeout(120)
class ClientRealServerIT {
    @TempDir
    Path mailbox;
    private Process aiosmtpd;
    private int port;

    @BeforeEach
    void startAiosmtpd() throws Exception {
        Peers.program("python3", "python3");
        Process probe = new ProcessBuilder(Peers.python(), "-c", "import aiosmtpd").start();
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.waitFor() == 0,
                "skipped: aiosmtpd is not installed (Debian package python3-aiosmtpd; .ci/run installs it)");
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        aiosmtpd = new ProcessBuilder(Peers.python(), Peers.script("aiosmtpd_server.py").toString(),
                Integer.toString(port), mailbox.toString()).redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(aiosmtpd.getInputStream(), StandardCharsets.UTF_8));
        assertThat(output.readLine()).isEqualTo("ready");
    }

    @AfterEach
    void stopAiosmtpd() throws Exception {
        aiosmtpd.getOutputStream().close();
        if (!aiosmtpd.waitFor(5, TimeUnit.SECONDS)) {
            aiosmtpd.destroyForcibly();
        }
    }

    @Test
    void message_sent_to_aiosmtpd_arrives_as_sent() throws Exception {
        ClientRun run = ClientRun.send(port, "--subject", "To a real server", "--body", "Hello aiosmtpd");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("sent to 127.0.0.1:" + port + ": 250 Message accepted for delivery\n");
        String received = Files.readString(mailbox.resolve("1.eml"));
        assertThat(received).startsWith("X-Envelope-From: alice@example.test\r\nX-Envelope-To: bob@example.test\r\n")
                .contains("Subject: To a real server").contains("Hello aiosmtpd");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "LOGIN"})
    void every_auth_mechanism_logs_in_to_aiosmtpd(String mechanism) {
        ClientRun run = ClientRun.send(port, "--auth-user", "alice", "--auth-password", "s3cret",
                "--auth-mech", mechanism, "--transcript");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("<-  235 2.7.0 Authentication successful").doesNotContain("s3cret");
    }

    @Test
    void mechanism_is_picked_from_the_ehlo_reply() {
        ClientRun run = ClientRun.send(port, "--auth-user", "alice", "--auth-password", "s3cret", "--json");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("\"command\":\"AUTH PLAIN ****\"");
    }

    @Test
    void wrong_password_gets_a_real_535_and_exit_28() {
        ClientRun run = ClientRun.send(port, "--auth-user", "alice", "--auth-password", "wrong", "--auth-mech", "LOGIN");
        assertThat(run.exitCode()).isEqualTo(28);
        assertThat(run.err()).isEqualTo("smtplab send: AUTH LOGIN was refused: 535 5.7.8 Authentication credentials "
                + "invalid\nhint: check the user name and password\n");
    }

    @Test
    void real_rejection_gives_exit_24_and_the_reply() {
        ClientRun run = ClientRun.send(port, "--to", "unknown@example.test");
        assertThat(run.exitCode()).isEqualTo(24);
        assertThat(run.err()).isEqualTo("smtplab send: every recipient was refused: unknown@example.test: 550 5.1.1 "
                + "<unknown@example.test>: Recipient address rejected: User unknown\nhint: check the address for typos\n");
    }
}
