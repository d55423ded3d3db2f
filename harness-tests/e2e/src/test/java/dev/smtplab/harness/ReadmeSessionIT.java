package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.SessionOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first session, typed into the real nc exactly as shown, gets exactly the replies shown. */
class ReadmeSessionIT {

    @Test
    @Timeout(60)
    void readme_first_session_with_nc_gets_the_replies_the_readme_shows() throws Exception {
        String nc = Peers.program("nc", "netcat-openbsd").toString();
        List<String> session = readmeSession();
        assertThat(session.get(0)).isEqualTo("$ nc -C 127.0.0.1 2525");

        // As ./smtplab server runs by default: STARTTLS offered with a local CA.
        java.nio.file.Path data = Files.createTempDirectory("smtplab-data");
        try (FakeSmtpServer server = FakeSmtpServer.builder()
                .tls(dev.smtplab.server.tls.TlsMaterial.localCa(data, "localhost")).build().start()) {
            Process process = new ProcessBuilder(nc, "-C", "127.0.0.1", Integer.toString(server.port()))
                    .redirectErrorStream(true).start();
            try {
                BufferedReader replies = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                OutputStream typed = process.getOutputStream();
                for (String line : session.subList(1, session.size())) {
                    if (isServerLine(line)) {
                        assertThat(replies.readLine()).as("reply line in the README").isEqualTo(line);
                    } else {
                        typed.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                        typed.flush();
                    }
                }
                typed.close();
                assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("nc ends").isTrue();
                assertThat(replies.readLine()).as("nothing after 221").isNull();
            } finally {
                process.destroyForcibly();
            }

            RecordedMessage message = server.takeMessage(Duration.ofSeconds(5));
            assertThat(message.mailFrom()).isEqualTo("alice@example.test");
            assertThat(message.acceptedRecipients()).containsExactly("bob@example.test");
            assertThat(message.subject()).contains("Hello from a terminal");
            assertThat(message.dataAsString())
                    .isEqualTo("Subject: Hello from a terminal\r\n\r\nHi Bob, this was typed by hand.\r\n");
            assertThat(server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5)).outcome())
                    .isEqualTo(SessionOutcome.COMPLETED);
        }
    }

    private static boolean isServerLine(String line) {
        return line.matches("\\d{3}([ -].*)?");
    }

    /** The text block under "## A first session by hand" that starts with "$ nc". */
    private static List<String> readmeSession() throws IOException {
        List<String> lines = Files.readAllLines(Peers.root().resolve("README.md"), StandardCharsets.UTF_8);
        List<String> session = new ArrayList<>();
        boolean inSection = false;
        boolean inBlock = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## A first session by hand");
            } else if (inSection && line.startsWith("```")) {
                if (inBlock) {
                    break;
                }
                inBlock = true;
            } else if (inBlock) {
                session.add(line);
            }
        }
        assertThat(session).as("the README's first session").isNotEmpty();
        return session;
    }
}
