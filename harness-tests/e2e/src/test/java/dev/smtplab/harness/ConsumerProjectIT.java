package dev.smtplab.harness;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's project outside this build (src/test/resources/consumer-project), with the README's
 * dependency snippet, built by Maven with each JUnit version in concurrent mode: what installing
 * smtplab-junit5 and using it as documented gives a user.
 */
class ConsumerProjectIT {
    private static final String VERSION = "0.1.0-SNAPSHOT";

    /** What {@code mvn install} of this build puts in the local repository, for the consumer to find. */
    @BeforeAll
    static void install() throws Exception {
        Path root = Peers.root();
        installPom(root.resolve("pom.xml"));
        installPom(root.resolve("server/pom.xml"));
        installPom(root.resolve("harness-tests/pom.xml"));
        installJar(root.resolve("server/library"), "smtplab-server");
        installJar(root.resolve("harness-tests/junit5"), "smtplab-junit5");
    }

    private static void installPom(Path pom) throws Exception {
        maven(pom.getParent(), "install:install-file", "-Dfile=" + pom, "-DpomFile=" + pom, "-Dpackaging=pom");
    }

    private static void installJar(Path module, String artifactId) throws Exception {
        Path jar = module.resolve("target/" + artifactId + "-" + VERSION + ".jar");
        assertThat(jar).as("packaged before the integration tests").exists();
        maven(module, "install:install-file", "-Dfile=" + jar, "-DpomFile=" + module.resolve("pom.xml"));
    }

    @ParameterizedTest(name = "JUnit {0}")
    @ValueSource(strings = {"5.10.5", "5.14.4", "6.1.3"})
    void the_documented_dependency_works_in_concurrent_mode_on(String junit) throws Exception {
        Path project = copyOfTheProject();
        String output = maven(project, "test", "-Djunit.version=" + junit);

        assertThat(output).contains("Tests run: 34, Failures: 0, Errors: 0, Skipped: 0");
        assertThat(Files.readString(project.resolve("target/surefire-reports/com.example.shop.WelcomeMailTest.txt")))
                .contains("Tests run: 34, Failures: 0");
    }

    @org.junit.jupiter.api.Test
    void the_project_uses_the_readmes_snippet_as_written() throws Exception {
        String readme = Files.readString(Peers.root().resolve("README.md"), StandardCharsets.UTF_8);
        String snippet = """
                <dependency>
                  <groupId>dev.smtplab</groupId>
                  <artifactId>smtplab-junit5</artifactId>
                  <version>0.1.0-SNAPSHOT</version>
                  <scope>test</scope>
                </dependency>
                """;
        assertThat(readme).contains(snippet);
        String pom = Files.readString(template().resolve("pom.xml"), StandardCharsets.UTF_8);
        assertThat(pom).contains(snippet.indent(4));
    }

    private static Path template() {
        return Peers.root().resolve("harness-tests/e2e/src/test/resources/consumer-project");
    }

    private static Path copyOfTheProject() throws IOException {
        Path target = Files.createTempDirectory(Peers.root().resolve("harness-tests/e2e/target"), "consumer-");
        try (Stream<Path> files = Files.walk(template())) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(template().relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }

    /** Runs Maven in batch mode; returns its output, failing with it when Maven fails. */
    private static String maven(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-ntp", "-Dstyle.color=never"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("mvn %s in %s:%n%s", String.join(" ", arguments), directory, output)
                .isZero();
        return output;
    }
}
