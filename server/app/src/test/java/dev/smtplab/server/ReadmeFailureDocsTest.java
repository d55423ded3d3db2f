package dev.smtplab.server;

import dev.smtplab.server.scenario.Presets;
import dev.smtplab.server.scenario.RulesFile;
import dev.smtplab.server.scenario.Scenario;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's failure docs stay true: its rules file loads, and every preset is in its table. */
class ReadmeFailureDocsTest {
    private static final Path README = Path.of("..", "..", "README.md");

    @Test
    void readme_rules_file_example_loads() throws IOException {
        String yaml = block("### Rules files", "```yaml");
        Scenario scenario = RulesFile.parse(new StringReader(yaml), "README.md");
        assertThat(scenario.rules()).extracting(rule -> rule.id())
                .containsExactly("no-bob", "flaky-data", "busy-banner", "greylist");
        assertThat(scenario.maxConnectionsPerClient()).isEqualTo(5);
    }

    @Test
    void readme_lists_every_preset() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        for (String preset : Presets.DESCRIPTIONS.keySet()) {
            assertThat(readme).as("README row for preset " + preset).contains("| `" + preset + "` |");
        }
    }

    @Test
    void readme_rules_file_error_example_is_the_real_message() throws IOException {
        String yaml = block("### Rules files", "```yaml").replace("421 4.3.2 Service shutting down", "650 Service")
                .replace("reply-and-close: \"650", "reply: \"650");
        String expected = block("### Rules files", "```text").lines()
                .filter(line -> line.startsWith("smtplab-server: ")).findFirst().orElseThrow()
                .substring("smtplab-server: rules file rules.yaml: ".length());
        try {
            RulesFile.parse(new StringReader(yaml), "rules.yaml");
        } catch (RulesFile.InvalidRulesException e) {
            assertThat(e.getMessage()).isEqualTo("rules file rules.yaml: " + expected);
            return;
        }
        throw new AssertionError("the broken example was accepted");
    }

    @Test
    void readme_inboxes_example_loads_with_its_routes_port_and_own_presets() throws IOException {
        RulesFile.Contents contents = RulesFile.parseContents(new StringReader(block("### Inboxes", "```yaml")),
                "README.md");
        assertThat(contents.scenario().presets()).containsExactly("greylist");
        assertThat(contents.inboxes()).extracting(dev.smtplab.server.inbox.Inbox::name).containsExactly("team-a", "qa");
        assertThat(contents.inboxes().get(0).routes()).extracting(Object::toString)
                .containsExactly("rcpt:*@team-a.test", "auth:team-a-*");
        assertThat(contents.inboxPorts()).containsEntry("qa", 2526);
        assertThat(contents.inboxes().get(1).scenario().orElseThrow().presets()).containsExactly("unknown-recipient");
    }

    /** The first fenced block of the given kind after the heading. */
    private static String block(String heading, String fence) throws IOException {
        List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
        int at = lines.indexOf(heading);
        assertThat(at).as(heading + " in the README").isNotNegative();
        StringBuilder block = new StringBuilder();
        boolean inside = false;
        for (String line : lines.subList(at + 1, lines.size())) {
            if (!inside && line.equals(fence)) {
                inside = true;
            } else if (inside && line.equals("```")) {
                return block.toString();
            } else if (inside) {
                block.append(line).append('\n');
            }
        }
        throw new AssertionError("no " + fence + " block after " + heading);
    }
}
