package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.scenario.Scenario;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's send failure example prints exactly what the README shows. */
class ReadmeClientTest {

    @Test
    void readme_greylist_failure_example_is_what_send_prints() throws Exception {
        List<String> readme = Files.readAllLines(Peers.root().resolve("README.md"), StandardCharsets.UTF_8);
        int command = -1;
        for (int i = 0; i < readme.size(); i++) {
            if (readme.get(i).startsWith("$ ./smtplab send --server 127.0.0.1:2525") && readme.get(i).contains("greylist")) {
                command = i;
            }
        }
        assertThat(command).as("the greylist example in the README").isPositive();
        String expected = readme.get(command + 1) + "\n" + readme.get(command + 2) + "\n";
        try (FakeSmtpServer server = FakeSmtpServer.builder()
                .scenario(Scenario.builder().preset("greylist").build()).build().start()) {
            ClientRun run = ClientRun.of("send", "--server", "127.0.0.1:" + server.port(), "--from", "alice@example.test",
                    "--to", "bob@example.test");
            assertThat(run.err()).isEqualTo(expected);
            assertThat(run.exitCode()).isEqualTo(24);
        }
    }
}
