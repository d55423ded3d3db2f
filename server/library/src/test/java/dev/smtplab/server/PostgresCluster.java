package dev.smtplab.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for one test class: Debian's {@code initdb} and {@code pg_ctl} in a
 * temporary folder, on a free loopback port, with a database {@code smtplab} for user {@code smtplab}
 * (trusted, loopback only). PostgreSQL refuses to run as root, so as root the cluster runs as the
 * {@code postgres} user the package made.
 */
public final class PostgresCluster implements AutoCloseable {
    private final Path folder;
    private final Path bin;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresCluster(Path folder, Path bin, int port, boolean asPostgresUser) {
        this.folder = folder;
        this.bin = bin;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Makes and starts a cluster; fails, saying what to install, where PostgreSQL is missing. */
    public static PostgresCluster start() throws IOException, InterruptedException {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path folder = Files.createTempDirectory("smtplab-pg");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        PostgresCluster cluster = new PostgresCluster(folder, bin, port, root);
        if (root) {
            UserPrincipal postgres = folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(folder, postgres);
        }
        cluster.run(bin.resolve("initdb").toString(), "-D", folder.resolve("data").toString(), "-A", "trust",
                "-U", "smtplab", "-E", "UTF8", "--locale=C", "--no-sync");
        cluster.startServer();
        try {
            cluster.run(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U",
                    "smtplab", "smtplab");
        } catch (IOException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static Path findBin() throws IOException {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                // The newest version installed: 16 before 15.
                var found = versions.filter(version -> version.getFileName().toString().matches("\\d+"))
                        .filter(version -> Files.isExecutable(version.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(version -> Integer.parseInt(version.getFileName().toString())))
                        .map(version -> version.resolve("bin"));
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IOException("PostgreSQL's initdb is not installed: install Debian's postgresql package "
                + "(.ci/run does)");
    }

    /** Starts the server again after {@link #stopServer()}, on the same port, with the same data. */
    public void startServer() throws IOException, InterruptedException {
        run(bin.resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(), "-l",
                folder.resolve("log").toString(), "-w", "-t", "30", "-o",
                "-p " + port + " -h 127.0.0.1 -k " + folder + " -c fsync=off -c full_page_writes=off", "start");
    }

    /** Stops the server (fast: open connections are cut), as when the database goes away. */
    public void stopServer() throws IOException, InterruptedException {
        run(bin.resolve("pg_ctl").toString(), "-D", folder.resolve("data").toString(), "-w", "-t", "30", "-m", "fast",
                "stop");
    }

    /** Drops every table of the database, so that each test starts from an empty store. */
    public void emptyDatabase() throws IOException, InterruptedException {
        run(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "smtplab",
                "-d", "smtplab", "-q", "-v", "ON_ERROR_STOP=1", "-c", "DROP SCHEMA public CASCADE",
                "-c", "CREATE SCHEMA public");
    }

    /** The URL SMTP Lab's --store takes. */
    public String url() {
        return "postgresql://smtplab@127.0.0.1:" + port + "/smtplab";
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    private void run(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            String log = Files.exists(folder.resolve("log")) ? Files.readString(folder.resolve("log")) : "";
            throw new IOException(String.join(" ", full) + " failed: " + output + log);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stopServer();
        } catch (IOException ignored) {
            // stopped already
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
