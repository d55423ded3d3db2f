package dev.smtplab.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Finds the project's files and the real peer programs the end-to-end tests run. */
final class Peers {
    private Peers() {
    }

    /** The checkout's root folder. */
    static Path root() {
        String root = System.getProperty("smtplab.root");
        if (root != null) {
            return Paths.get(root).toAbsolutePath().normalize();
        }
        // Run from a module folder: the root is the nearest folder above with the launcher in it.
        Path folder = Paths.get("").toAbsolutePath();
        while (folder != null && !Files.isRegularFile(folder.resolve("smtplab"))) {
            folder = folder.getParent();
        }
        if (folder == null) {
            throw new IllegalStateException("cannot find the checkout's root above " + Paths.get("").toAbsolutePath());
        }
        return folder.normalize();
    }

    /** The packaged server jar; the test is skipped, saying why, when it has not been built. */
    static Path serverJar() {
        Path jar = root().resolve("server/app/target/smtplab-server.jar");
        assumeTrue(Files.isRegularFile(jar), "skipped: " + jar + " is not built; run mvn verify from the root");
        return jar;
    }

    /** The packaged client jar; skipped, saying why, when it has not been built. */
    static Path clientJar() {
        Path jar = root().resolve("client/target/smtplab.jar");
        assumeTrue(Files.isRegularFile(jar), "skipped: " + jar + " is not built; run mvn verify from the root");
        return jar;
    }

    /** A helper script shipped with the tests (src/test/resources/peers). */
    static Path script(String name) {
        return root().resolve("harness-tests/e2e/src/test/resources/peers").resolve(name);
    }

    /** Debian's python3, with Debian's modules (the first python3 on PATH may be another build). */
    static String python() {
        Path debian = Paths.get("/usr/bin/python3");
        return Files.isExecutable(debian) ? debian.toString() : program("python3", "python3").toString();
    }

    /** The JVM flag that keeps a child JVM away from DNS: names come from the tests' hosts file. */
    static String hostsFileFlag() {
        return "-Djdk.net.hosts.file=" + root().resolve("harness-tests/e2e/src/test/resources/hosts");
    }

    /** A program on the PATH; the test is skipped, naming the Debian package, when it is missing. */
    static Path program(String name, String debianPackage) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Paths.get(folder, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String reason = "skipped: " + name + " is not installed (Debian package " + debianPackage + "; .ci/run installs it)";
        System.err.println(reason);
        assumeTrue(false, reason);
        throw new AssertionError(reason);
    }

    static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }
}
