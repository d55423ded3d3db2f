package dev.smtplab.server.record;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where the server keeps what it recorded. Implementations are thread-safe: SMTP sessions add
 * while tests and the web API read and wait.
 */
public interface MessageStore {

    /**
     * Makes a message durable, before the server decides its reply to the final dot: a store that
     * cannot throws, and the client gets {@code 451 4.3.0} instead of a 250 for mail not kept. The
     * message is not visible until {@link #addMessage}. Stores in memory have nothing to do.
     *
     * @throws StoreUnavailableException when the message could not be written
     */
    default void keep(RecordedMessage message) {
    }

    /**
     * Makes a message visible; called as the server records its 250 to the final dot, before that
     * reply is sent. The order of these calls is the order of the messages' cursors.
     */
    void addMessage(RecordedMessage message);

    /** The highest numeric message id stored, so that a restarted server continues after it; 0 for none. */
    default long lastMessageNumber() {
        return 0;
    }

    /** The highest numeric session id stored, so that a restarted server continues after it; 0 for none. */
    default long lastSessionNumber() {
        return 0;
    }

    /**
     * A new message number from the store, for a store that several servers share (so that their
     * ids never collide); -1 for a store of one server, which counts on from {@link #lastMessageNumber}.
     */
    default long newMessageNumber() {
        return -1;
    }

    /** A new session number from the store, as {@link #newMessageNumber}; -1 for a store of one server. */
    default long newSessionNumber() {
        return -1;
    }

    /**
     * When greylisting first saw each key, shared by every server of a shared store (so a retry
     * that reaches another server passes as it would on the first); empty for a store of one server,
     * whose rules remember in memory.
     */
    default Optional<FirstSeenMemory> sharedFirstSeen() {
        return Optional.empty();
    }

    /** Keeps a session snapshot, replacing an earlier snapshot with the same id. */
    void putSession(RecordedSession session);

    /** The stored messages, oldest first. */
    List<RecordedMessage> messages();

    Optional<RecordedMessage> message(String id);

    /** The stored sessions, oldest first. */
    List<RecordedSession> sessions();

    Optional<RecordedSession> session(String id);

    /** The stored messages of one session, in the order they arrived. */
    List<RecordedMessage> messagesOfSession(String sessionId);

    boolean deleteMessage(String id);

    /**
     * Marks a message read or unread, as a mail client does when it is opened (the web UI does).
     * A new message is unread. Returns false when there is no such message.
     */
    boolean markRead(String id, boolean read);

    /** Marks the messages that match read or unread; returns how many changed. */
    int markRead(MessageQuery query, boolean read);

    /** Whether a stored message was marked read; false for one that is not stored. */
    boolean isRead(String id);

    /**
     * A page of the messages that match, newest first, older than the cursor {@code before}
     * ({@code Long.MAX_VALUE} for the newest).
     */
    MessagePage page(MessageQuery query, long before, int limit);

    /** How many stored messages match. */
    int count(MessageQuery query);

    /** Deletes the stored messages that match; returns how many. */
    int delete(MessageQuery query);

    /** The oldest stored message that matches and came after the cursor ({@code 0} for any). */
    java.util.Optional<StoredMessage> firstAfter(long cursor, MessageQuery query);

    /** The cursor of a stored message. */
    java.util.OptionalLong cursorOf(String id);

    /** Forgets every message and session. */
    void clear();

    /**
     * Waits until at least {@code count} messages are stored and returns them, oldest first.
     *
     * @throws MessageWaitTimeoutException if fewer arrived within the timeout
     * @throws IllegalArgumentException    if the store can never hold that many
     */
    List<RecordedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException;

    /**
     * Returns the oldest message not yet taken, waiting for one to arrive if need be: each message
     * is taken once, in arrival order (like MockWebServer's takeRequest).
     *
     * @throws MessageWaitTimeoutException if none arrived within the timeout
     */
    RecordedMessage takeMessage(Duration timeout) throws InterruptedException;

    /**
     * Waits until a stored message matches, such as one to a given recipient, and returns the
     * oldest that does.
     *
     * @throws MessageWaitTimeoutException if none matched within the timeout
     */
    RecordedMessage awaitMessage(Predicate<RecordedMessage> condition, Duration timeout) throws InterruptedException;

    /**
     * Waits until a stored session snapshot matches, such as {@code s -> s.ended().isPresent()},
     * and returns the oldest that does.
     *
     * @throws MessageWaitTimeoutException if none matched within the timeout
     */
    RecordedSession awaitSession(Predicate<RecordedSession> condition, Duration timeout) throws InterruptedException;

    /**
     * Tries {@code attempt} now and again as messages and sessions arrive, until it gives a result
     * (not null) or the timeout passes (then null): the building block of the waits above, for
     * waits of one's own, such as those of one inbox. Stores that can tell when something arrived
     * wake on it; this default asks every 20 ms.
     */
    default <T> T waitUntil(java.util.function.Supplier<T> attempt, Duration timeout) throws InterruptedException {
        return Attempts.until(attempt, timeout, Duration.ofMillis(20), Thread::sleep);
    }
}
