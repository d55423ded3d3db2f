package dev.smtplab.testcontainers;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's podman as the Docker engine of the ITs: its Docker-compatible API on a socket of our
 * own (started here when nothing answers there), and SMTP Lab's image built from the jars this
 * build just packaged. One for the whole test JVM, stopped when it exits: Testcontainers keeps its
 * client and pooled connections for the JVM's life, and a service stopped and started again
 * between test classes broke them.
 */
final class Podman implements AutoCloseable {
    private static Podman shared;
    /** What the ITs build; also tagged smtplab:latest, the name the README's example uses. */
    static final String IMAGE = "localhost/smtplab:it";

    private final Path socket;
    private Process service;

    private Podman(Path socket) {
        this.socket = socket;
    }

    /** The engine, answering, with the image built: once per test JVM. */
    static synchronized Podman shared() throws Exception {
        if (shared == null) {
            Podman podman = start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    podman.close();
                } catch (Exception ignored) {
                    // The JVM is exiting; the service dies with nothing left to serve.
                }
            }, "stop-podman-service"));
            podman.buildImage(Path.of(System.getProperty("smtplab.root")));
            shared = podman;
        }
        return shared;
    }

    /** The API on the socket the build names (see the pom), answering; or why it cannot. */
    private static Podman start() throws Exception {
        Path socket = Path.of(System.getProperty("smtplab.podman.socket", "/tmp/smtplab-podman.sock"));
        Podman podman = new Podman(socket);
        if (!podman.answers()) {
            Files.deleteIfExists(socket);
            try {
                podman.service = new ProcessBuilder("podman", "system", "service", "--time=0", "unix://" + socket)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new IllegalStateException("the Testcontainers ITs need podman (Debian: podman runc "
                        + "debootstrap; .ci/run installs them and docker/test.sh sets podman up): " + e.getMessage(), e);
            }
            long ends = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!podman.answers()) {
                if (System.nanoTime() > ends || !podman.service.isAlive()) {
                    podman.close();
                    throw new IllegalStateException("podman's API did not answer on " + socket + " within 30 s");
                }
                Thread.sleep(100);
            }
        }
        return podman;
    }

    /** GET /_ping on the socket answers OK. */
    private boolean answers() {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(256);
            channel.read(answer);
            String status = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
            return status.matches("(?s)HTTP/1\\.[01] 200 .*");
        } catch (IOException e) {
            return false;
        }
    }

    /** Builds the image from docker/Dockerfile with the packaged jars, offline (its base made locally if missing). */
    private void buildImage(Path root) throws Exception {
        run(root, Duration.ofMinutes(10), "bash", "docker/base-image.sh");
        run(root, Duration.ofMinutes(5), "podman", "build", "--format", "docker", "--pull=never", "--network", "none",
                "-q", "-t", IMAGE, "-t", "localhost/smtplab:latest", "-f", "docker/Dockerfile", ".");
    }

    private static void run(Path directory, Duration limit, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " took longer than " + limit);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", List.of(command)) + " failed with exit "
                    + process.exitValue() + ":\n" + new String(output, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws Exception {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
            Files.deleteIfExists(socket);
        }
    }
}
