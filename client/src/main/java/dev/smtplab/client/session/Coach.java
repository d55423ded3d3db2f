package dev.smtplab.client.session;

import dev.smtplab.client.protocol.Reply;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Someone looking over the shoulder of the person typing (a lesson of {@code smtplab learn}): sees
 * each line before it goes out and each reply as it comes, and has helpers of its own. The plain
 * session has none.
 */
public interface Coach {
    /** Where the coach's lines go: printed above the prompt, as the session's own notes are. */
    void attach(Consumer<String> out);

    /** The server greeted (the lesson's introduction goes here). */
    void greeted(Reply greeting);

    /**
     * A line the person typed, before it goes out: what is wrong with it, or empty. A line with a
     * problem is held back; {@code /send} sends it as it is.
     *
     * @param inMessage whether the line is message content (after a 354)
     */
    Optional<String> review(String line, boolean inMessage);

    /** A reply came; {@code line} is what it answers (null for the greeting or an unasked reply). */
    void replied(String line, Reply reply);

    /** A helper the session does not know (such as /hint): true when the coach took it. */
    boolean helper(String[] words);

    /** Lines for /help, after the session's own. */
    String help();

    /** The session ended (the transcript is final). */
    void ended(SessionTranscript transcript);
}
