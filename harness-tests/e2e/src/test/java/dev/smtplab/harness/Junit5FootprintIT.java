package dev.smtplab.harness;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code smtplab-junit5} puts on a user's test class path: the artifact and its compile and
 * runtime dependencies, as Maven resolves them for the published POM (JUnit and AssertJ are the
 * user's own, so they are not counted).
 */
class Junit5FootprintIT {
    private static final int MAX_JARS = 15;
    private static final long MAX_BYTES = 10L * 1024 * 1024;
    private static List<Path> jars;

    @BeforeAll
    static void readClasspath() throws IOException {
        Path module = Peers.root().resolve("harness-tests/junit5/target");
        Path listing = module.resolve("user-classpath.txt");
        assertThat(listing).as("built by the junit5 module's package phase").exists();
        jars = new ArrayList<>();
        try (var artifacts = Files.list(module)) {
            artifacts.filter(path -> path.getFileName().toString().matches("smtplab-junit5-[^-]+(-SNAPSHOT)?\\.jar"))
                    .forEach(jars::add);
        }
        assertThat(jars).as("the packaged smtplab-junit5 jar").hasSize(1);
        for (String entry : Files.readString(listing).trim().split(File.pathSeparator)) {
            jars.add(Path.of(entry));
        }
    }

    @Test
    void at_most_15_jars_and_10_mb() throws IOException {
        long bytes = 0;
        for (Path jar : jars) {
            bytes += Files.size(jar);
        }
        System.out.printf("smtplab-junit5 footprint: %d jars, %.1f MB%n", jars.size(), bytes / 1024.0 / 1024.0);
        assertThat(jars).as("jars on the user's test class path").hasSizeLessThanOrEqualTo(MAX_JARS);
        assertThat(bytes).as("bytes on the user's test class path").isLessThanOrEqualTo(MAX_BYTES);
    }

    @Test
    void no_logging_binding_and_no_test_framework_of_its_own() {
        assertThat(jars).extracting(jar -> jar.getFileName().toString())
                .noneMatch(name -> name.startsWith("slf4j-simple") || name.startsWith("slf4j-nop")
                        || name.startsWith("logback") || name.startsWith("log4j-slf4j")
                        || name.startsWith("slf4j-jdk14") || name.startsWith("slf4j-reload4j"))
                .noneMatch(name -> name.startsWith("junit-") || name.startsWith("assertj-"));
    }

    @Test
    void no_class_is_in_two_jars() throws IOException {
        Map<String, Path> owners = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                file.stream()
                        .map(entry -> entry.getName())
                        .filter(name -> name.endsWith(".class") && !name.startsWith("META-INF/"))
                        .filter(name -> !name.equals("module-info.class"))
                        .forEach(name -> {
                            Path earlier = owners.putIfAbsent(name, jar);
                            if (earlier != null) {
                                duplicates.add(name + " in " + earlier.getFileName() + " and " + jar.getFileName());
                            }
                        });
            }
        }
        assertThat(duplicates).isEmpty();
    }
}
