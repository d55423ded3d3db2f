package dev.smtplab.server.inbox;

import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.MessageWaitTimeoutException;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.StoredMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The messages of one inbox, with the waits a test needs, as the server's own ({@link
 * dev.smtplab.server.FakeSmtpServer#takeMessage}) but blind to every other inbox: tests that share a
 * server, an inbox each, never see each other's mail.
 */
public final class InboxMessages {
    private final String inbox;
    private final MessageStore store;
    private final MessageQuery query;
    /** The cursor of the last message taken; the next take returns the oldest after it. */
    private long takenUpTo;

    public InboxMessages(String inbox, MessageStore store) {
        this.inbox = Inboxes.checkName(inbox);
        this.store = store;
        this.query = MessageQuery.all().inInboxes(Set.of(inbox));
    }

    public String name() {
        return inbox;
    }

    /** The inbox's messages, oldest first. */
    public List<RecordedMessage> messages() {
        List<RecordedMessage> found = new ArrayList<>();
        long cursor = 0;
        Optional<StoredMessage> next;
        while ((next = store.firstAfter(cursor, query)).isPresent()) {
            found.add(next.get().message());
            cursor = next.get().cursor();
        }
        return found;
    }

    public int count() {
        return store.count(query);
    }

    /** Waits until the inbox holds at least {@code count} messages; returns them, oldest first. */
    public List<RecordedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        Boolean arrived = store.waitUntil(() -> store.count(query) >= count ? Boolean.TRUE : null, timeout);
        if (arrived == null) {
            List<RecordedMessage> stored = messages();
            throw new MessageWaitTimeoutException("expected " + count + " message(s) in inbox " + inbox + " within "
                    + timeout.toMillis() + " ms but " + stored.size() + " arrived" + (stored.isEmpty() ? "" : ": "
                    + stored));
        }
        return messages();
    }

    /** The oldest message of the inbox not yet taken, waiting for one if need be; each is taken once. */
    public RecordedMessage takeMessage(Duration timeout) throws InterruptedException {
        RecordedMessage taken = store.waitUntil(() -> {
            synchronized (this) {
                Optional<StoredMessage> next = store.firstAfter(takenUpTo, query);
                next.ifPresent(stored -> takenUpTo = stored.cursor());
                return next.map(StoredMessage::message).orElse(null);
            }
        }, timeout);
        if (taken == null) {
            int stored = count();
            throw new MessageWaitTimeoutException("no message arrived in inbox " + inbox + " within "
                    + timeout.toMillis() + " ms (" + (stored == 0 ? "none stored" : stored + " stored, all taken already")
                    + ")");
        }
        return taken;
    }

    /** The oldest message of the inbox, stored or to come, that matches. */
    public RecordedMessage awaitMessage(Predicate<RecordedMessage> condition, Duration timeout)
            throws InterruptedException {
        RecordedMessage found = store.waitUntil(() -> messages().stream().filter(condition).findFirst().orElse(null),
                timeout);
        if (found == null) {
            throw new MessageWaitTimeoutException("no matching message arrived in inbox " + inbox + " within "
                    + timeout.toMillis() + " ms (" + count() + " stored, none matching)");
        }
        return found;
    }

    /** Deletes the inbox's messages, and starts taking afresh. */
    public synchronized int clear() {
        takenUpTo = 0;
        return store.delete(query);
    }
}
