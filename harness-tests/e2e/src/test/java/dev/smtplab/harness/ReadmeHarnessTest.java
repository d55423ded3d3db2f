package dev.smtplab.harness;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's "Testing your mail code" examples are tests that run, word for word. */
class ReadmeHarnessTest {

    @ParameterizedTest
    @ValueSource(strings = {"e2e/src/test/java/dev/smtplab/harness/WelcomeMailExampleTest.java",
            "e2e/src/test/java/dev/smtplab/harness/ResponderExampleTest.java",
            "e2e/src/test/java/dev/smtplab/harness/TlsExampleTest.java",
            "e2e/src/test/java/dev/smtplab/harness/JakartaMailExampleTest.java",
            "e2e/src/test/java/dev/smtplab/harness/SpringMailExampleTest.java",
            "e2e/src/test/java/dev/smtplab/harness/SimpleJavaMailExampleTest.java",
            "e2e/src/test/java/dev/smtplab/harness/InboxPerTestSuite.java",
            "e2e/src/test/java/dev/smtplab/harness/ReplayExampleTest.java",
            "e2e/src/test/java/dev/smtplab/harness/BounceExampleTest.java",
            "testcontainers/src/test/java/dev/smtplab/testcontainers/ContainerExampleIT.java"})
    void readme_example_is_the_test_that_runs(String test) throws Exception {
        String source = Files.readString(Peers.root().resolve("harness-tests/" + test), StandardCharsets.UTF_8);
        String begin = "    // README example: begin\n";
        String example = source.substring(source.indexOf(begin) + begin.length(),
                source.indexOf("    // README example: end"));
        List<String> readme = Files.readAllLines(Peers.root().resolve("README.md"), StandardCharsets.UTF_8);
        String text = String.join("\n", readme) + "\n";
        String unindented = example.lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .reduce("", (a, b) -> a + b + "\n");
        assertThat(text).contains(unindented);
    }
}
