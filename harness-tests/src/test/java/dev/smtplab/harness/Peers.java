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
        Path path = root != null ? Paths.get(root) : Paths.get("").toAbsolutePath().getParent();
        return path.toAbsolutePath().normalize();
    }

    /** The packaged server jar; the test is skipped, saying why, when it has not been built. */
    static Path serverJar() {
        Path jar = root().resolve("server/target/smtplab-server.jar");
        assumeTrue(Files.isRegularFile(jar), "skipped: " + jar + " is not built; run mvn verify from the root");
        return jar;
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
