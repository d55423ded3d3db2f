package dev.smtplab.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A private Postfix on a free loopback port (peers/postfix.sh), the oracle for how a real server
 * answers. Start it once per test class: it takes a second or two.
 */
final class PostfixPeer implements AutoCloseable {
    private final Path dir;
    private final int port;

    private PostfixPeer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static PostfixPeer start() throws Exception {
        Peers.program("postfix", "postfix");
        Peers.program("openssl", "openssl");
        Path dir = Files.createTempDirectory("smtplab-postfix");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Process start = new ProcessBuilder("bash", Peers.script("postfix.sh").toString(), "start", dir.toString(),
                Integer.toString(port)).redirectErrorStream(true).start();
        String output = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).as(output).isZero();
        PostfixPeer postfix = new PostfixPeer(dir, port);
        awaitTrue(Duration.ofSeconds(10), postfix::listening, () -> "Postfix did not start listening on port "
                + port + ": " + output);
        return postfix;
    }

    int port() {
        return port;
    }

    /** Changes its main.cf (postconf -e) and reloads it; new connections get the new settings. */
    void configure(String... settings) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("postconf", "-c", dir.toString(), "-e"));
        command.addAll(java.util.List.of(settings));
        for (java.util.List<String> step : java.util.List.of(command, java.util.List.of("postfix", "-c", dir.toString(), "reload"))) {
            Process process = new ProcessBuilder(step).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(String.join(" ", step) + ": " + output).isZero();
        }
        awaitLog("reload");
    }

    /** Its TLS certificate, for --ca-file. */
    Path certificate() {
        return dir.resolve("cert.pem");
    }

    /** Waits until Postfix's log says this, and returns the log. */
    String awaitLog(String expected) throws Exception {
        awaitTrue(Duration.ofSeconds(10), () -> log().contains(expected),
                () -> "Postfix never logged \"" + expected + "\"; its log:\n" + log());
        return log();
    }

    private String log() {
        try {
            Path log = dir.resolve("maillog");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private boolean listening() {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls a condition that no event tells us of (a process's port, a log file), up to a deadline. */
    private static void awaitTrue(Duration limit, Supplier<Boolean> condition, Supplier<String> failure)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("bash", Peers.script("postfix.sh").toString(), "stop", dir.toString())
                .redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
    }
}
