package dev.smtplab.harness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our client against Postfix, a real MTA, on a loopback port: STARTTLS and a delivery it accepted,
 * and its own rejections of an invalid sender and an unknown recipient with the right exit codes.
 */
@Timeout(180)
class ClientPostfixIT {
    private Path dir;
    private int port;

    @BeforeEach
    void startPostfix() throws Exception {
        Peers.program("postfix", "postfix");
        Peers.program("openssl", "openssl");
        dir = Files.createTempDirectory("smtplab-postfix");
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Process start = new ProcessBuilder("bash", Peers.script("postfix.sh").toString(), "start", dir.toString(),
                Integer.toString(port)).redirectErrorStream(true).start();
        String output = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).as(output).isZero();
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("Postfix did not start listening on port " + port + ": " + output);
    }

    @AfterEach
    void stopPostfix() throws Exception {
        new ProcessBuilder("bash", Peers.script("postfix.sh").toString(), "stop", dir.toString())
                .redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
    }

    @Test
    void sends_over_starttls_and_postfix_queues_it() throws Exception {
        ClientRun run = ClientRun.of("send", "--server", "localhost:" + port, "--from", "alice@example.org",
                "--to", "root@example.test", "--starttls", "--ca-file", dir.resolve("cert.pem").toString(), "--json");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("\"result\":\"sent\"").contains("Ok: queued as");
        String queueId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out()).get("queueId").asText();
        Thread.sleep(500);
        assertThat(Files.readString(dir.resolve("maillog"))).contains(queueId + ": from=<alice@example.org>");
    }

    @Test
    void invalid_sender_gets_postfix_rejection_and_exit_23() {
        ClientRun run = ClientRun.send(port, "--from", "alice@invalid.test", "--to", "root@example.test");
        assertThat(run.exitCode()).isEqualTo(23);
        assertThat(run.err()).startsWith("smtplab send: MAIL FROM was refused: 554 5.7.1 <alice@invalid.test>: Sender "
                + "address rejected: Sender domain invalid.test is not allowed");
        ClientRun unqualified = ClientRun.send(port, "--from", "alice", "--to", "root@example.test");
        assertThat(unqualified.exitCode()).isEqualTo(23);
        assertThat(unqualified.err()).contains("504 5.5.2 <alice>: Sender address rejected: need fully-qualified address");
    }

    @Test
    void unknown_recipient_gets_postfix_550_and_exit_24() {
        ClientRun run = ClientRun.send(port, "--from", "alice@example.org", "--to", "nobody@example.test");
        assertThat(run.exitCode()).isEqualTo(24);
        assertThat(run.err()).contains("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in "
                + "local recipient table").contains("hint: check the address for typos");
    }
}
