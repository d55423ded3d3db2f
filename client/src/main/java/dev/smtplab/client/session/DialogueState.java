package dev.smtplab.client.session;

import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.SmtpVerb;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Where the dialogue stands, from what was sent and what came back: which lines still wait for a
 * reply, and whether the server takes lines as commands or as message content (after a 354, until
 * the lone dot). Without it a line of message text would be counted as a command waiting for a
 * reply that never comes.
 *
 * <p>Lines sent while DATA still waits for its reply (as a pipe sends them) are undecided: the
 * 354 makes them message content up to the lone dot; a refusal makes each a command of its own.
 */
final class DialogueState {
    /** What a sent line is to the server. */
    enum Kind {
        /** A command: one reply will answer it. */
        COMMAND,
        /** DATA: its reply decides whether the lines after it are content. */
        DATA,
        /** A line of message content: no reply. */
        CONTENT,
        /** The lone dot that ends the content: one reply, the message's. */
        END_OF_MESSAGE,
        /** Sent while DATA waits for its reply: content or a command, the reply will tell. */
        UNDECIDED
    }

    private record Pending(Kind kind, String line) {
    }

    private final Deque<Pending> pending = new ArrayDeque<>();
    private boolean greetingPending = true;
    private boolean inMessage;
    private boolean closed;

    /** A line is being sent; returns what it is. */
    synchronized Kind sent(String line) {
        if (inMessage) {
            if (line.equals(".")) {
                inMessage = false;
                pending.add(new Pending(Kind.END_OF_MESSAGE, line));
                return Kind.END_OF_MESSAGE;
            }
            return Kind.CONTENT;
        }
        if (pending.stream().anyMatch(entry -> entry.kind() == Kind.DATA)) {
            pending.add(new Pending(Kind.UNDECIDED, line));
            return Kind.UNDECIDED;
        }
        Kind kind = SmtpVerb.of(line).equals("DATA") ? Kind.DATA : Kind.COMMAND;
        pending.add(new Pending(kind, line));
        return kind;
    }

    /** Message content sent in one piece (by /data), ending with the lone dot: one reply answers it. */
    synchronized void sentWholeMessage() {
        inMessage = false;
        pending.add(new Pending(Kind.END_OF_MESSAGE, "."));
    }

    /** A whole reply arrived; returns the line it answers, if it answers one (not the greeting). */
    synchronized Optional<String> replied(Reply reply) {
        if (greetingPending) {
            greetingPending = false;
            return Optional.empty();
        }
        Pending answered = pending.poll();
        while (answered != null && answered.kind() == Kind.UNDECIDED) {
            // cannot happen: DATA comes before its undecided lines and is answered first
            answered = pending.poll();
        }
        if (answered == null) {
            // unasked: a 421 before closing, for instance
            return Optional.empty();
        }
        if (answered.kind() == Kind.DATA) {
            decideUndecided(reply.code() == 354);
        }
        return Optional.of(answered.line());
    }

    /** After DATA's reply: the lines sent meanwhile are content (after a 354) or commands. */
    private void decideUndecided(boolean content) {
        List<String> undecided = new ArrayList<>();
        pending.removeIf(entry -> {
            if (entry.kind() == Kind.UNDECIDED) {
                undecided.add(entry.line());
                return true;
            }
            return false;
        });
        inMessage = content;
        for (String line : undecided) {
            sent(line);
        }
    }

    synchronized void closed() {
        closed = true;
        pending.clear();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** After a 354 and before the lone dot: every line is message content. */
    synchronized boolean inMessage() {
        return inMessage;
    }

    /** Whether a reply is still to come (the greeting counts). */
    synchronized boolean awaitingReply() {
        return !closed && (greetingPending || pending.stream().anyMatch(entry -> entry.kind() != Kind.CONTENT));
    }

    /** What {@link #awaitedFor()} says while the greeting has not come. */
    static final String GREETING = "\u0000greeting";
    /** What {@link #awaitedFor()} says while the message's reply (to the lone dot) has not come. */
    static final String MESSAGE = "\u0000message";

    /**
     * The oldest line still waiting for its reply, for "waiting for the reply to ..."; {@link #GREETING}
     * or {@link #MESSAGE} when that is what is awaited (the session words those in the reader's language).
     */
    synchronized Optional<String> awaitedFor() {
        if (closed) {
            return Optional.empty();
        }
        if (greetingPending) {
            return Optional.of(GREETING);
        }
        return pending.stream().findFirst().map(entry -> entry.kind() == Kind.END_OF_MESSAGE
                ? MESSAGE : entry.line());
    }

}
