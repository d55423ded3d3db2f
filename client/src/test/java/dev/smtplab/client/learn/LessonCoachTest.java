package dev.smtplab.client.learn;

import dev.smtplab.client.api.LabApi;
import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.server.FakeSmtpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Lesson 7's copy to the web UI never holds up the dialogue, however the web UI behaves. */
@Timeout(30)
class LessonCoachTest {
    @TempDir
    Path data;

    @Test
    void a_web_ui_that_accepts_and_never_answers_does_not_freeze_the_session() throws Exception {
        DialogueLesson lesson = (DialogueLesson) Lessons.number(7).orElseThrow();
        try (FakeSmtpServer server = FakeSmtpServer.builder().build().start();
             ServerSocket stuck = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            server.importMessage("Subject: Hi\r\n\r\nHello\r\n".getBytes(StandardCharsets.UTF_8), "you@example.test",
                    List.of("friend@example.test"), "test");
            Tutor tutor = new Tutor(lesson, Texts.of(Language.ENGLISH), Progress.load(data), data.resolve("t"));
            LessonCoach coach = new LessonCoach(lesson, tutor, server,
                    new LabApi("http://127.0.0.1:" + stuck.getLocalPort(), null));
            List<String> said = new CopyOnWriteArrayList<>();
            coach.attach(said::add);

            long started = System.nanoTime();
            coach.replied(".", Reply.of(250, "2.0.0 Ok: queued as 1"));
            assertThat((System.nanoTime() - started) / 1_000_000).as("ms the reply took to be explained")
                    .isLessThan(2_000);
            assertThat(String.join("\n", said)).contains("Step 2 of 3");

            coach.helper(new String[] {"/found"});
            assertThat(said.get(said.size() - 1)).contains("Still copying your message");
        }
    }
}
