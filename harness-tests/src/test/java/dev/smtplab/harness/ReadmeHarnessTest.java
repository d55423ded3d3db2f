package dev.smtplab.harness;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's "Testing your mail code" example is WelcomeMailExampleTest, word for word. */
class ReadmeHarnessTest {

    @Test
    void readme_example_is_the_test_that_runs() throws Exception {
        String source = Files.readString(Peers.root().resolve(
                "harness-tests/src/test/java/dev/smtplab/harness/WelcomeMailExampleTest.java"), StandardCharsets.UTF_8);
        String example = source.substring(source.indexOf("    // README example: begin\n") + 30,
                source.indexOf("    // README example: end"));
        List<String> readme = Files.readAllLines(Peers.root().resolve("README.md"), StandardCharsets.UTF_8);
        String text = String.join("\n", readme) + "\n";
        String unindented = example.lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .reduce("", (a, b) -> a + b + "\n");
        assertThat(text).contains(unindented);
    }
}
