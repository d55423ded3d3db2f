package dev.smtplab.client.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTranscriptTest {
    private static final int LINES_PER_THREAD = 200_000;

    /** The typing thread and the reply thread add at once, as in a session; no line may be lost. */
    @Test
    void lines_added_from_two_threads_at_once_are_all_kept() throws Exception {
        SessionTranscript transcript = new SessionTranscript();
        CountDownLatch start = new CountDownLatch(1);
        Thread replies = new Thread(() -> {
            await(start);
            for (int i = 0; i < LINES_PER_THREAD; i++) {
                transcript.server("250 Ok");
            }
        });
        replies.start();
        start.countDown();
        for (int i = 0; i < LINES_PER_THREAD; i++) {
            transcript.client("NOOP");
        }
        replies.join(30_000);
        assertThat(transcript.lines()).hasSize(2 * LINES_PER_THREAD);
        assertThat(transcript.lines().stream().filter(line -> line.equals("S: 250 Ok")).count())
                .isEqualTo(LINES_PER_THREAD);
    }

    @Test
    void save_writes_each_line_with_its_direction(@TempDir Path dir) throws Exception {
        SessionTranscript transcript = new SessionTranscript();
        transcript.server("220 ready");
        transcript.client("QUIT");
        Path file = dir.resolve("session.txt");
        assertThat(transcript.save(file)).isEqualTo(2);
        assertThat(Files.readAllLines(file)).containsExactly("S: 220 ready", "C: QUIT");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
