package dev.smtplab.server.record;

import dev.smtplab.server.scenario.SmtpStage;

/**
 * Told of what happens on the SMTP side as it happens, for live views and metrics. Called on the
 * session's thread: implementations return quickly and never throw.
 */
public interface ServerEventListener {
    /** A message was stored (before the client got its 250). */
    default void messageReceived(RecordedMessage message) {
    }

    /** A connection was accepted; its session has begun (outcome ACTIVE). */
    default void sessionStarted(RecordedSession session) {
    }

    /**
     * A line went into a session's transcript, as it was typed or sent: {@code index} is its place
     * in the transcript (0 first), so a live view can merge it with a snapshot taken meanwhile.
     */
    default void transcriptLine(String sessionId, int index, TranscriptLine line) {
    }

    /** A session ended; its snapshot is final. */
    default void sessionEnded(RecordedSession session) {
    }

    /** A failure rule (or a magic address) fired. */
    default void ruleFired(String sessionId, String ruleId, SmtpStage stage) {
    }

    /**
     * The server sent a delivery status notification (a bounce, a delay notice, a success report)
     * about a message; {@code report} is the notification as stored, {@code action} failed, delayed
     * or delivered.
     */
    default void notificationSent(RecordedMessage report, String aboutMessageId, String action) {
    }

    /**
     * A report was handed to the bounce relay (outcome delivered), could not be and will be tried
     * again (retrying), or was given up on (failed); {@code error} says why, else null.
     */
    default void notificationRelayed(RecordedMessage report, String relay, String outcome, int attempt, String error) {
    }

    /** The server finished a reply with this code. */
    default void replySent(String sessionId, int code) {
    }
}
