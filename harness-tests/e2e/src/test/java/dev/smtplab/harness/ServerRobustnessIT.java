package dev.smtplab.harness;

import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged server, fed what broken and hostile clients send: no input may reach a stack trace
 * on its console, and it keeps serving.
 */
@Timeout(120)
class ServerRobustnessIT {
    /** Each a whole conversation, sent in one go; the server's answers do not matter here. */
    private static final List<String> HOSTILE = List.of(
            "EHLO x\r\nMAIL FROM:<a@b.test> SIZE=999999999999\r\nQUIT\r\n",
            "EHLO x\r\nMAIL FROM:<a@b.test> SIZE=99999999999999999999999\r\nQUIT\r\n",
            "EHLO x\r\nBDAT 10 LAST\r\n0123456789QUIT\r\n",
            "EHLO x\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nBDAT 100\r\nshort",
            "EHLO x\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nBDAT 99999999999999999999 LAST\r\n",
            "EHLO x\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\nSubject: cut",
            "EHLO x\r\nSTARTTLS\r\n\u0016\u0003\u0001garbage after starttls\r\n",
            "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003 a TLS hello on the plain port",
            "EHLO x\r\nAUTH PLAIN\r\n*\r\nAUTH LOGIN !!!!\r\nAUTH CRAM-MD5\r\n\r\nQUIT\r\n",
            "MAIL FROM:<\"unterminated@b.test>\r\nRCPT TO:<@:@>\r\nMAIL FROM:<a@[999.1.1.1]>\r\nQUIT\r\n",
            "EHLO " + "x".repeat(5000) + "\r\nQUIT\r\n",
            "EHLO x\r\nMAIL FROM:<a@b.test> " + "P=1 ".repeat(200) + "\r\nQUIT\r\n",
            "\r\n\r\n\u0000\u0000\r\nQUIT\r\n");

    @org.junit.jupiter.params.ParameterizedTest(name = "mode: {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"strict", "lenient"})
    void hostile_input_never_reaches_a_stack_trace_and_the_server_keeps_serving(String mode) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path console = Files.createTempFile("smtplab-console", ".log");
        Path data = Files.createTempDirectory("smtplab-data");
        List<String> command = new java.util.ArrayList<>(List.of(Peers.java(), Peers.hostsFileFlag(), "-jar",
                Peers.serverJar().toString(), "--smtp-port", Integer.toString(port), "--no-web", "--data-dir",
                data.toString(), "--idle-timeout", "5", "--store", "memory"));
        if (mode.equals("lenient")) {
            command.add("--lenient");
        }
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        try {
            awaitListening(port);
            for (String conversation : HOSTILE) {
                send(port, conversation);
            }
            // It still serves a normal client.
            ClientRun run = ClientRun.send(port, "--subject", "after the storm");
            assertThat(run.exitCode()).as(run.err()).isZero();
        } finally {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
        String output = Files.readString(console, StandardCharsets.UTF_8);
        assertThat(output).as("the server's console").doesNotContain("Exception").doesNotContain("\tat ");
    }

    /**
     * bench/abuse.py, scaled down: idle, slowloris and 2,000 fuzzed sessions from their own loopback
     * addresses while a normal client sends. Every normal message must arrive, the server must live,
     * and its console must hold no stack trace.
     */
    @org.junit.jupiter.api.Test
    void a_short_fuzzing_run_leaves_no_stack_trace_and_every_normal_message_arrives() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path console = Files.createTempFile("smtplab-console", ".log");
        Process server = new ProcessBuilder(Peers.java(), Peers.hostsFileFlag(), "-jar", Peers.serverJar().toString(),
                "--smtp-port", Integer.toString(port), "--no-web", "--no-tls", "--command-timeout", "3", "--store", "memory")
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        String figures;
        try {
            awaitListening(port);
            Process abuse = new ProcessBuilder(Peers.python(), Peers.root().resolve("bench/abuse.py").toString(),
                    "--port", Integer.toString(port), "--pid", Long.toString(server.pid()), "--idle", "200",
                    "--slowloris", "60", "--fuzz", "2000", "--duration", "8", "--settle", "1")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            figures = new String(abuse.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(abuse.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.isAlive()).as("the server is alive").isTrue();
        } finally {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
        com.fasterxml.jackson.databind.JsonNode result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(figures);
        assertThat(result.at("/normal/attempts").asInt()).as(figures).isGreaterThan(10);
        assertThat(result.at("/normal/success_rate").asDouble()).as(figures).isEqualTo(1.0);
        assertThat(result.at("/idle/refused (421)").asInt()).as("past 50 from one address: " + figures).isEqualTo(150);
        assertThat(result.at("/slowloris/cut off by the server").asInt()).as(figures).isEqualTo(50);
        assertThat(result.at("/fuzz/sessions").asInt()).as(figures).isGreaterThan(100);
        String output = Files.readString(console, StandardCharsets.UTF_8);
        assertThat(output).as("the server's console").doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void send(int port, String conversation) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(3_000);
            OutputStream out = socket.getOutputStream();
            out.write(conversation.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // The client has said all it will: the server sees the end of the stream, as from a client that hangs up.
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            try {
                in.readNBytes(64 * 1024);
            } catch (IOException e) {
                // a hang-up or a timeout is an answer too
            }
        }
    }

    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                probe.close();
                return;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        throw new AssertionError("the server did not listen on port " + port);
    }
}
