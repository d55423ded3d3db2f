package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.scenario.RulesFile;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proof by difference: smtplab record (the packaged client, as a process) records a real Postfix
 * and a real aiosmtpd while dialogues pass through it; SMTP Lab then replays each recording, and
 * the same dialogues sent to the real server and to the replay get the same replies, word for
 * word, greeting and EHLO included: only queue ids differ. (Replies to commands out of order or
 * malformed are SMTP Lab's own, Postfix's words, whatever was recorded: the dialogues keep to what a
 * recording holds.) The Postfix recording is kept in the
 * repository as the README's example (src/test/resources/recordings/postfix.yaml) and must stay
 * what a recording of that Postfix gives.
 */
@Timeout(180)
class RecordReplayIT {
    private static final Path EXAMPLE = Path.of("src/test/resources/recordings/postfix.yaml");
    private static final String EHLO = "EHLO client.example.test";

    /** The dialogues recorded and then compared: deliveries, refusals, and the commands around them. */
    private static final List<List<String>> DIALOGUES = List.of(
            List.of(EHLO, "MAIL FROM:<alice@example.org>", "RCPT TO:<root@example.test>", "DATA", "Subject: one", "",
                    "body", ".", "RSET", "NOOP", "QUIT"),
            List.of(EHLO, "MAIL FROM:<someone@invalid.test>", "RSET", "MAIL FROM:<alice@example.org>",
                    "RCPT TO:<nobody@example.test>", "RCPT TO:<unknown@example.test>", "RCPT TO:<root@example.test>",
                    "QUIT"),
            List.of("HELO client.example.test", "MAIL FROM:<>", "RCPT TO:<root@example.test>", "DATA", "two", ".",
                    "QUIT"));

    private static Path data;

    @BeforeAll
    static void folders() throws Exception {
        data = Files.createTempDirectory("smtplab-record-data");
    }

    /**
     * smtplab record as a user starts it, its output going to a file (destroy() closes a pipe before
     * the last lines are read).
     */
    private record Recorder(Process process, int port, Path output) {
        static Recorder start(int upstreamPort, Path out) throws Exception {
            Path output = Files.createTempFile("smtplab-record", ".out");
            Process process = new ProcessBuilder(Peers.java(), "-jar", Peers.clientJar().toString(), "record",
                    "--upstream", "127.0.0.1:" + upstreamPort, "--listen", "0", "--out", out.toString(), "--insecure",
                    "--data-dir", data.toString()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            Pattern relaying = Pattern.compile("(?m)^smtplab record: relaying 127\\.0\\.0\\.1:(\\d+) to ");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && process.isAlive()) {
                Matcher matcher = relaying.matcher(Files.readString(output));
                if (matcher.find()) {
                    return new Recorder(process, Integer.parseInt(matcher.group(1)), output);
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            process.destroyForcibly();
            throw new AssertionError("smtplab record did not start: " + Files.readString(output));
        }

        /** Ctrl-C's signal (SIGTERM); returns everything it printed. */
        String stop() throws Exception {
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            return Files.readString(output);
        }
    }

    private static List<String> masked(List<String> replies) {
        return replies.stream().map(reply -> reply.replaceFirst("queued as [0-9A-Za-z]+", "queued as ID")).toList();
    }

    /** Records the dialogues through smtplab record, replays the file, and compares real and replay. */
    private static String recordAndCompare(int realPort, Path file) throws Exception {
        Recorder recorder = Recorder.start(realPort, file);
        for (List<String> dialogue : DIALOGUES) {
            Dialogues.wholeReplies(recorder.port(), dialogue);
        }
        String output = recorder.stop();
        assertThat(output).contains("session(s) in " + file);
        Scenario recorded = RulesFile.read(file);
        FakeSmtpServer.Builder builder = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost"))
                .scenario(recorded);
        if (recorded.personality().orElseThrow().offersAuth()) {
            builder.authAcceptAny().allowPlaintextAuth(); // as ./smtplab server --replay does
        }
        FakeSmtpServer replay = builder.build().start();
        try {
            for (List<String> dialogue : DIALOGUES) {
                assertThat(masked(Dialogues.wholeReplies(replay.port(), dialogue))).as("replay of %s", dialogue)
                        .isEqualTo(masked(Dialogues.wholeReplies(realPort, dialogue)));
            }
        } finally {
            replay.stop();
        }
        return output;
    }

    @Test
    void a_recorded_postfix_replayed_answers_as_postfix_does_and_the_example_is_such_a_recording() throws Exception {
        try (PostfixPeer postfix = PostfixPeer.start()) {
            Path file = Files.createTempDirectory("smtplab-record").resolve("postfix.yaml");
            String output = recordAndCompare(postfix.port(), file);
            assertThat(output).contains("-> MAIL FROM:<someone@invalid.test>", "<- 554 5.7.1 <someone@invalid.test>");
            assertThat(withoutVaryingLines(Files.readString(file)))
                    .as("the example in the repository is what recording this Postfix gives; "
                            + "to renew it, copy %s over %s", file, EXAMPLE.toAbsolutePath())
                    .isEqualTo(withoutVaryingLines(Files.readString(EXAMPLE)));
        }
    }

    /** The header's port and date, the upstream's port in the name, and the timing: what differs from run to run. */
    private static String withoutVaryingLines(String recording) {
        return recording.replaceAll("(?m)^# Recorded by .*\\n", "").replaceAll("(?m)^  name: .*\\n", "")
                .replaceAll("(?ms)^  timing:.*?(?=^rules:|\\z)", "");
    }

    @Test
    void a_recorded_aiosmtpd_replayed_answers_as_aiosmtpd_does_and_no_secret_is_written() throws Exception {
        Peers.program("python3", "python3");
        Process probe = new ProcessBuilder(Peers.python(), "-c", "import aiosmtpd").start();
        Assumptions.assumeTrue(probe.waitFor() == 0, "skipped: aiosmtpd is not installed (python3-aiosmtpd)");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Process aiosmtpd = new ProcessBuilder(Peers.python(), Peers.script("aiosmtpd_server.py").toString(),
                Integer.toString(port), Files.createTempDirectory("aiosmtpd").toString()).redirectErrorStream(true)
                .start();
        try {
            assertThat(new BufferedReader(new InputStreamReader(aiosmtpd.getInputStream(), StandardCharsets.UTF_8))
                    .readLine()).isEqualTo("ready");
            Path file = Files.createTempDirectory("smtplab-record").resolve("aiosmtpd.yaml");
            String output = recordAndCompare(port, file);
            assertThat(Files.readString(file)).contains("greeting: \"220 ").contains("rules:")
                    .contains("unknown@example.test");

            // A login through the proxy: relayed, shown as ****, and written nowhere.
            Recorder recorder = Recorder.start(port, file);
            String secret = Base64.getEncoder().encodeToString("\0alice\0s3cret".getBytes(StandardCharsets.UTF_8));
            List<String> replies = Dialogues.wholeReplies(recorder.port(), List.of(EHLO, "AUTH PLAIN " + secret, "QUIT"));
            assertThat(replies.get(2)).startsWith("235");
            String shown = recorder.stop();
            assertThat(shown).contains("-> AUTH PLAIN ****").doesNotContain(secret).doesNotContain("s3cret");
            assertThat(Files.readString(file)).doesNotContain(secret).doesNotContain("s3cret").doesNotContain("alice\0");
            assertThat(output).doesNotContain(secret);
        } finally {
            aiosmtpd.getOutputStream().close();
            if (!aiosmtpd.waitFor(5, TimeUnit.SECONDS)) {
                aiosmtpd.destroyForcibly();
            }
        }
    }
}
