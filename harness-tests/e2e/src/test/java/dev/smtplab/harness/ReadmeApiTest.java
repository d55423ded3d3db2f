package dev.smtplab.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.web.WebAccess;
import dev.smtplab.server.web.WebServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's read-marks lines, run with curl as written (the web port aside) against a server of the test's own. */
class ReadmeApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The command lines of the README's code block after the line that starts with {@code marker}. */
    private static List<String> commands(String marker) throws Exception {
        List<String> readme = Files.readAllLines(Peers.root().resolve("README.md"), StandardCharsets.UTF_8);
        int line = 0;
        while (!readme.get(line).startsWith(marker)) {
            line++;
        }
        while (!readme.get(line).equals("```bash")) {
            line++;
        }
        List<String> commands = new ArrayList<>();
        for (line++; !readme.get(line).equals("```"); line++) {
            if (readme.get(line).startsWith("curl ")) {
                commands.add(readme.get(line));
            }
        }
        return commands;
    }

    private static String run(String command, int webPort) throws Exception {
        Process curl = new ProcessBuilder("bash", "-c", command.replace("127.0.0.1:8025", "127.0.0.1:" + webPort))
                .redirectErrorStream(true).start();
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).as(command).isTrue();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.exitValue()).as(command + ": " + output).isZero();
        return output;
    }

    @Test
    void the_read_marks_lines_do_what_the_readme_says() throws Exception {
        List<String> commands = commands("Read marks from a script");
        assertThat(commands).hasSize(3);
        try (FakeSmtpServer smtp = FakeSmtpServer.builder().build().start()) {
            WebServer web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
            try {
                for (String subject : List.of("first", "second")) {
                    smtp.importMessage(("Subject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII),
                            "shop@example.test", List.of("bob@example.test"), "test");
                }
                assertThat(run(commands.get(0), web.port())).isEmpty();
                assertThat(smtp.store().isRead("1")).isTrue();

                JsonNode unread = JSON.readTree(run(commands.get(1), web.port()));
                assertThat(unread.get("unread").asInt()).isEqualTo(1);
                assertThat(unread.get("messages")).extracting(message -> message.get("id").asText()).containsExactly("2");

                assertThat(run(commands.get(2), web.port())).isEqualTo("{\"changed\":1}");
                assertThat(smtp.store().isRead("2")).isTrue();
            } finally {
                web.stop();
            }
        }
    }
}
