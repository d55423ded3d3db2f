package dev.smtplab.harness;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness on the oldest and newest JUnit it supports, as a user's build would run it: the
 * README's example test, on JUnit's own console launcher, with only smtplab-junit5, its
 * dependencies and AssertJ on the class path.
 */
class JunitVersionsIT {

    @ParameterizedTest(name = "JUnit Platform {0}")
    @ValueSource(strings = {"1.10.5", "6.1.3"})
    void the_readme_example_passes_on(String platform) throws Exception {
        Path root = Peers.root();
        Path launcher = root.resolve("harness-tests/e2e/target/junit-runtimes/junit-platform-console-standalone-"
                + platform + ".jar");
        assertThat(launcher).as("copied by the e2e module's pre-integration-test phase").exists();
        Process run = new ProcessBuilder(Peers.java(), Peers.hostsFileFlag(), "-jar", launcher.toString(),
                "execute", "--disable-banner", "--details=summary", "--class-path", userClassPath(root),
                "--select-class", WelcomeMailExampleTest.class.getName()).redirectErrorStream(true).start();
        run.getOutputStream().close();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("\\[\\s+2 tests successful\\s+]").containsPattern("\\[\\s+0 tests failed\\s+]");
    }

    /** The example's class, smtplab-junit5, what its POM brings, and the user's own AssertJ. */
    private static String userClassPath(Path root) throws Exception {
        Path module = root.resolve("harness-tests/junit5/target");
        List<String> entries = new ArrayList<>();
        entries.add(root.resolve("harness-tests/e2e/target/test-classes").toString());
        try (var artifacts = Files.list(module)) {
            artifacts.filter(path -> path.getFileName().toString().matches("smtplab-junit5-[^-]+(-SNAPSHOT)?\\.jar"))
                    .forEach(jar -> entries.add(jar.toString()));
        }
        entries.addAll(List.of(Files.readString(module.resolve("user-classpath.txt")).trim().split(File.pathSeparator)));
        entries.add(Path.of(Assertions.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        return String.join(File.pathSeparator, entries);
    }
}
