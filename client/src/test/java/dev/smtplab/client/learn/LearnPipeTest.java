package dev.smtplab.client.learn;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.session.InteractiveSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lesson's lines from a pipe come faster than the replies: the coach still judges each line by
 * the dialogue so far, as it does for a person who reads each reply before typing on.
 */
@Timeout(60)
class LearnPipeTest {
    @TempDir
    Path data;

    @Test
    void a_piped_lesson_is_judged_as_a_typed_one() throws Exception {
        String typed = String.join("\n", "EHLO client.example.test", "MAIL FROM:<you@example.test>",
                "RCPT TO:<friend@example.test>", "DATA", "Subject: Hello", "", "..hidden", ".", "QUIT", "");
        StringWriter screen = new StringWriter();
        PrintWriter out = new PrintWriter(screen, true);
        new Learn(Texts.of(Language.ENGLISH), data).run(6, InteractiveSession.pipe(
                new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), out), out, false, null);

        assertThat(screen.toString()).doesNotContain("No recipient has been accepted yet", "is a header")
                .contains("Lesson 6 finished");
    }
}
