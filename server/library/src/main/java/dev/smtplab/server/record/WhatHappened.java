package dev.smtplab.server.record;

import java.util.List;

/**
 * What the sessions that delivered nothing did, for the message of a wait that timed out or an
 * assertion that fewer mails came than expected: a test that waited for a mail should learn that
 * the mail was refused at RCPT, not only that none came.
 */
public final class WhatHappened {
    /** Only the latest are told; a test rarely has more, and a long list hides the point. */
    static final int MOST_SESSIONS_TOLD = 5;

    private WhatHappened() {
    }

    /** @param messagesStored when messages are stored but no session is, the sessions were let go: nothing to tell */
    public static String inSessions(List<RecordedSession> sessions, int messagesStored) {
        if (sessions.isEmpty()) {
            return messagesStored > 0 ? "" : "No client connected to the server at all: is the code under test given this server's host and port?";
        }
        List<RecordedSession> withoutMessage = sessions.stream().filter(session -> session.messageIds().isEmpty())
                .toList();
        if (withoutMessage.isEmpty()) {
            return sessions.size() + " session(s) connected, and each delivered its message(s).";
        }
        StringBuilder story = new StringBuilder();
        story.append(withoutMessage.size()).append(" session(s) delivered no message");
        int from = Math.max(0, withoutMessage.size() - MOST_SESSIONS_TOLD);
        if (from > 0) {
            story.append("; the last ").append(MOST_SESSIONS_TOLD);
        }
        story.append(':');
        for (RecordedSession session : withoutMessage.subList(from, withoutMessage.size())) {
            story.append(System.lineSeparator()).append("  ").append(oneLine(session));
        }
        return story.toString();
    }

    static String oneLine(RecordedSession session) {
        StringBuilder line = new StringBuilder("session ").append(session.id()).append(" from ")
                .append(session.clientAddress());
        session.heloName().ifPresent(helo -> line.append(" (").append(helo).append(')'));
        session.lastRejection().ifPresent(rejection -> line.append(": refused at ")
                .append(rejection.stage().key().toUpperCase(java.util.Locale.ROOT)).append(" with \"")
                .append(rejection.lastLine()).append('"'));
        line.append("; ").append(session.outcome() == SessionOutcome.ACTIVE ? "still connected"
                : session.outcomeDetail());
        return line.toString();
    }
}
