package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's classic session, typed into {@code smtplab session} in tmux as a person would,
 * key by key: every line on the screen must be the README's, and no step may take more than a
 * second beyond the server's own reply (a freeze, or a helper waiting for a reply that cannot
 * come, fails it).
 */
@Timeout(120)
class SessionWalkthroughIT {
    private static final Duration STEP_LIMIT = Duration.ofSeconds(1);
    private static final String TMUX_SESSION = "smtplab-walkthrough-" + ProcessHandle.current().pid();
    @TempDir
    Path data;
    private FakeSmtpServer server;

    @AfterEach
    void stop() throws Exception {
        tmux("kill-session", "-t", TMUX_SESSION);
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void the_readme_walkthrough_shows_every_line_and_no_step_takes_over_a_second() throws Exception {
        Peers.program("tmux", "tmux");
        List<String> readme = readmeScreen();
        assertThat(readme.get(0)).isEqualTo("$ ./smtplab session 127.0.0.1 2525");
        // As ./smtplab server runs by default: STARTTLS offered with a local CA.
        server = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")).build().start();
        List<String> expected = new ArrayList<>();
        for (String line : readme.subList(1, readme.size())) {
            expected.add(line.replace("port 2525.", "port " + server.port() + "."));
        }
        String command = String.join(" ", Peers.java(), Peers.hostsFileFlag(), "-jar", Peers.clientJar().toString(),
                "session", "127.0.0.1", Integer.toString(server.port()), "; sleep 30");
        assertThat(tmux("new-session", "-d", "-s", TMUX_SESSION, "-x", "250", "-y", "60",
                "env TERM=xterm NO_COLOR=1 " + command)).isZero();

        List<String> slow = new ArrayList<>();
        long slowestMillis = 0;
        int shownUpTo = nextTyped(expected, 0);
        awaitScreen(expected, shownUpTo, Duration.ofSeconds(10));
        while (shownUpTo < expected.size()) {
            String typed = expected.get(shownUpTo);
            String keys = typed.startsWith("smtp> ") || typed.startsWith("data> ") ? typed.substring(6) : "";
            int next = nextTyped(expected, shownUpTo + 1);
            // Type only once the prompt is drawn, as a person waits to see it.
            awaitPrompt(shownUpTo, typed.substring(0, 5));
            long started = System.nanoTime();
            if (!keys.isEmpty()) {
                assertThat(tmux("send-keys", "-t", TMUX_SESSION, "-l", keys)).isZero();
            }
            assertThat(tmux("send-keys", "-t", TMUX_SESSION, "Enter")).isZero();
            awaitScreen(expected, next, Duration.ofSeconds(10));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            slowestMillis = Math.max(slowestMillis, took.toMillis());
            if (took.compareTo(STEP_LIMIT) > 0) {
                slow.add(typed + " took " + took.toMillis() + " ms");
            }
            shownUpTo = next;
        }
        System.out.printf("walkthrough: %d typed lines, the slowest shown in full after %d ms%n",
                expected.stream().filter(line -> line.startsWith("smtp> ") || line.startsWith("data>")).count(),
                slowestMillis);
        assertThat(slow).as("steps slower than %s", STEP_LIMIT).isEmpty();
        RecordedMessage message = server.takeMessage(Duration.ofSeconds(5));
        assertThat(message.dataAsString()).isEqualTo("Subject: Hello from smtplab session\r\n\r\nHi Bob, typed by "
                + "hand.\r\n.this line starts with one dot\r\n");
    }

    /** The index of the next line the person types (it starts with a prompt), or the end. */
    private static int nextTyped(List<String> lines, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).startsWith("smtp> ") || lines.get(i).startsWith("data>")) {
                return i;
            }
        }
        return lines.size();
    }

    /** Waits until the screen starts with the first {@code count} expected lines, and fails showing both if not. */
    private void awaitScreen(List<String> expected, int count, Duration limit) throws Exception {
        List<String> wanted = expected.subList(0, count);
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> screen = screen();
        while (!startsWith(screen, wanted) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
            screen = screen();
        }
        assertThat(screen.subList(0, Math.min(screen.size(), wanted.size()))).as("the screen")
                .containsExactlyElementsOf(wanted);
    }

    /** Waits until the line after the first {@code lines} is the bare prompt ("smtp>" or "data>"). */
    private void awaitPrompt(int lines, String prompt) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> screen = screen();
        while (!(screen.size() == lines + 1 && screen.get(lines).equals(prompt)) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
            screen = screen();
        }
        assertThat(screen).as("the screen, waiting for the prompt %s", prompt).hasSize(lines + 1).last()
                .isEqualTo(prompt);
    }

    private static boolean startsWith(List<String> screen, List<String> wanted) {
        return screen.size() >= wanted.size() && screen.subList(0, wanted.size()).equals(wanted);
    }

    /** The pane's text, wrapped lines joined, trailing blanks cut, blank lines at the end dropped. */
    private List<String> screen() throws Exception {
        String text = Tmux.capture(TMUX_SESSION);
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.add(line.stripTrailing());
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static int tmux(String... args) throws Exception {
        return Tmux.run(args);
    }

    /** The text block in "### smtplab session" that starts with "$ ./smtplab session". */
    private static List<String> readmeScreen() throws IOException {
        List<String> lines = Files.readAllLines(Peers.root().resolve("README.md"), StandardCharsets.UTF_8);
        List<String> block = new ArrayList<>();
        boolean inBlock = false;
        for (String line : lines) {
            if (!inBlock && line.equals("$ ./smtplab session 127.0.0.1 2525")) {
                inBlock = true;
            }
            if (inBlock) {
                if (line.equals("```")) {
                    break;
                }
                block.add(line);
            }
        }
        assertThat(block).as("the walkthrough in the README").isNotEmpty();
        return block;
    }
}
