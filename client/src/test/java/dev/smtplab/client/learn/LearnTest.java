package dev.smtplab.client.learn;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `smtplab learn` with no number, and `--list`, follow the progress saved in the data folder. */
class LearnTest {
    @TempDir
    Path data;

    private Learn learn() {
        return new Learn(Texts.of(Language.ENGLISH), data);
    }

    @Test
    void a_new_learner_starts_at_lesson_1_and_goes_on_from_the_first_lesson_not_finished() throws IOException {
        assertThat(learn().nextLesson()).isEqualTo(1);

        Progress progress = Progress.load(data.resolve("learn"));
        progress.reached(Lessons.number(1).orElseThrow(), 3);
        progress.reached(Lessons.number(2).orElseThrow(), 1);
        assertThat(learn().nextLesson()).isEqualTo(2);

        StringWriter list = new StringWriter();
        learn().list(new PrintWriter(list));
        assertThat(list.toString()).contains(" 1  Connecting: open, refused and blocked ports  \u2713 finished",
                " 2  The MX lookup: where a domain's mail goes  1 of 4 steps", " 3  Ports 25, 465 and 587\n",
                " 9  STARTTLS and AUTH");
    }

    @Test
    void a_progress_file_that_is_not_ours_is_named_and_left_as_it_is() throws IOException {
        Path file = data.resolve("learn/progress.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "connect.steps=\\uZZZZ\n");

        assertThatThrownBy(() -> learn().nextLesson()).isInstanceOf(IOException.class)
                .hasMessageContaining("progress.properties is not a progress file SMTP Lab wrote");
        assertThat(Files.readString(file)).isEqualTo("connect.steps=\\uZZZZ\n");
    }
}
