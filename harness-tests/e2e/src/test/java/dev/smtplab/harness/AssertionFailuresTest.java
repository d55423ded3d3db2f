package dev.smtplab.harness;

import dev.smtplab.server.record.MessageWaitTimeoutException;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.SmtpStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What a failing assertion says: expected and actual for the IDE's diff, what is missing and what
 * is extra, the transcript from any thread, and what happened when no mail came. The README's
 * failure examples are the messages these tests produce, word for word.
 */
class AssertionFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create();

    /** A mail to bob, who is named twice in the envelope, sent by a client with a fixed EHLO name. */
    private static RecordedMessage welcomeToBobTwice() throws Exception {
        Dialogues.talk(smtp.port(), Dialogues.c("welcome", "EHLO app.example.test", "MAIL FROM:<shop@example.test>",
                "RCPT TO:<bob@example.test>", "RCPT TO:<bob@example.test>", "DATA",
                "From: shop@example.test", "To: bob@example.test", "Subject: Welcome", "", "Hello Bob", ".", "QUIT"));
        RecordedMessage message = smtp.takeMessage(WAIT);
        // The session's QUIT is recorded when the connection is done with, a moment after the client
        // read its 221: wait for that, so the transcript shown is the whole session every time.
        smtp.server().awaitSession(s -> s.id().equals(message.sessionId()) && s.ended().isPresent(), WAIT);
        return message;
    }

    @Test
    void recipients_name_what_is_missing_and_what_is_extra_and_count_duplicates() throws Exception {
        RecordedMessage message = welcomeToBobTwice();

        AssertionFailedError failure = (AssertionFailedError) catchThrowable(() ->
                assertThat(message).hasRecipients("bob@example.test", "carol@example.test"));

        assertThat(failure.getExpected().getStringRepresentation()).isEqualTo("[bob@example.test, carol@example.test]");
        assertThat(failure.getActual().getStringRepresentation()).isEqualTo("[bob@example.test, bob@example.test]");
        assertThat(failure.getMessage().stripTrailing()).isEqualTo(readmeExample("recipients"));
        assertThatThrownBy(() -> assertThat(message).hasRecipients("bob@example.test"))
                .as("a recipient accepted twice is not the same as once")
                .hasMessageContaining("unexpected: [bob@example.test]");
    }

    @Test
    void a_wait_that_times_out_says_the_mail_was_refused_and_how() throws Exception {
        smtp.failNext(SmtpStage.RCPT, "550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown");
        Dialogues.talk(smtp.port(), Dialogues.c("refused", "EHLO app.example.test", "MAIL FROM:<shop@example.test>",
                "RCPT TO:<bob@example.test>", "QUIT"));
        smtp.server().awaitSession(s -> s.ended().isPresent(), WAIT);

        Throwable failure = catchThrowable(() -> smtp.takeMessage(Duration.ofSeconds(1)));

        assertThat(failure).isInstanceOf(MessageWaitTimeoutException.class);
        assertThat(failure.getMessage().stripTrailing()).isEqualTo(readmeExample("timeout"));
    }

    @Test
    void no_client_at_all_is_said_too() {
        assertThatThrownBy(() -> smtp.takeMessage(Duration.ofMillis(200)))
                .hasMessage("no message arrived within 200 ms (none stored). No client connected to the server at all: "
                        + "is the code under test given this server's host and port?");
    }

    @Test
    void an_assertion_on_another_thread_still_shows_the_transcript() throws Exception {
        RecordedMessage message = welcomeToBobTwice();
        CompletableFuture<Void> elsewhere = CompletableFuture.runAsync(() ->
                assertThat(message).hasSubject("Goodbye"), runnable -> new Thread(runnable, "not-the-test").start());

        Throwable failure = catchThrowable(() -> elsewhere.join());

        assertThat(failure).isInstanceOf(CompletionException.class);
        assertThat(failure.getCause()).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("expected the subject \"Goodbye\" but it was \"Welcome\"")
                .hasMessageContaining("its session's transcript:")
                .hasMessageContaining("C: RCPT TO:<bob@example.test>");
    }

    @Test
    void single_values_are_expected_and_actual_too() throws Exception {
        RecordedMessage message = welcomeToBobTwice();
        AssertionFailedError sender = (AssertionFailedError) catchThrowable(() ->
                assertThat(message).hasSender("noreply@example.test"));
        assertThat(sender.getExpected().getValue()).isEqualTo("noreply@example.test");
        assertThat(sender.getActual().getValue()).isEqualTo("shop@example.test");
        AssertionFailedError subject = (AssertionFailedError) catchThrowable(() ->
                assertThat(message).hasSubject("Goodbye"));
        assertThat(subject.getExpected().getValue()).isEqualTo("Goodbye");
        assertThat(subject.getActual().getValue()).isEqualTo("Welcome");
    }

    /** The fenced block after {@code <!-- failure example: NAME -->} in the README. */
    static String readmeExample(String name) throws Exception {
        String readme = Files.readString(Peers.root().resolve("README.md"), StandardCharsets.UTF_8);
        String marker = "<!-- failure example: " + name + " -->\n```text\n";
        int start = readme.indexOf(marker);
        if (start < 0) {
            throw new AssertionError("the README has no failure example named " + name);
        }
        start += marker.length();
        return readme.substring(start, readme.indexOf("\n```", start)).replace("\n", System.lineSeparator());
    }
}
