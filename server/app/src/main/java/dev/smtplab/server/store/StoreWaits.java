package dev.smtplab.server.store;

import dev.smtplab.server.record.Attempts;
import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.MessageWaitTimeoutException;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.StoredMessage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The waits of the durable stores (SQLite, PostgreSQL), built on their queries: tried again when
 * the store says something arrived ({@link #wake}), and at least every 100 ms, since another
 * process may have written meanwhile.
 */
final class StoreWaits {
    private final MessageStore store;
    private final Object arrivals = new Object();
    /** The cursor of the last message taken; the next take returns the oldest after it. */
    private long takenUpTo;

    StoreWaits(MessageStore store) {
        this.store = store;
    }

    /** {@link #takeMessage} takes only what came after this cursor: not the mail stored before the open. */
    synchronized void takeAfter(long cursor) {
        takenUpTo = cursor;
    }

    void wake() {
        synchronized (arrivals) {
            arrivals.notifyAll();
        }
    }

    <T> T waitFor(Supplier<T> attempt, Duration timeout) throws InterruptedException {
        return Attempts.until(attempt, timeout, Duration.ofMillis(100), millis -> {
            synchronized (arrivals) {
                arrivals.wait(millis);
            }
        });
    }

    List<RecordedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        List<RecordedMessage> stored = waitFor(() -> store.count(MessageQuery.all()) >= count ? store.messages() : null,
                timeout);
        if (stored == null) {
            throw new MessageWaitTimeoutException("expected " + count + " message(s) within " + timeout.toMillis()
                    + " ms but " + store.count(MessageQuery.all()) + " arrived");
        }
        return stored;
    }

    RecordedMessage takeMessage(Duration timeout) throws InterruptedException {
        RecordedMessage taken = waitFor(() -> {
            synchronized (this) {
                Optional<StoredMessage> next = store.firstAfter(takenUpTo, MessageQuery.all());
                next.ifPresent(found -> takenUpTo = found.cursor());
                return next.map(StoredMessage::message).orElse(null);
            }
        }, timeout);
        if (taken == null) {
            throw new MessageWaitTimeoutException("no message arrived within " + timeout.toMillis() + " ms");
        }
        return taken;
    }

    RecordedMessage awaitMessage(Predicate<RecordedMessage> condition, Duration timeout) throws InterruptedException {
        RecordedMessage found = waitFor(() -> store.messages().stream().filter(condition).findFirst().orElse(null),
                timeout);
        if (found == null) {
            throw new MessageWaitTimeoutException("no matching message arrived within " + timeout.toMillis() + " ms");
        }
        return found;
    }

    RecordedSession awaitSession(Predicate<RecordedSession> condition, Duration timeout) throws InterruptedException {
        RecordedSession found = waitFor(() -> store.sessions().stream().filter(condition).findFirst().orElse(null),
                timeout);
        if (found == null) {
            throw new MessageWaitTimeoutException("no session matched within " + timeout.toMillis() + " ms");
        }
        return found;
    }
}
