package dev.smtplab.server.web;

import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.record.StoredMessage;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The long polls of {@code GET /api/v1/messages/wait}, held without a thread each: a waiter is a
 * future, completed when a matching message is stored or its timeout passes, so a thousand open
 * waits leave the web server's threads free for the UI, the API and /healthz. Each client address
 * may hold at most {@link #MAX_PER_CLIENT} at once, and a wait whose client has gone away ends at
 * the next sweep (every {@link #SWEEP_INTERVAL}) rather than at its timeout.
 */
final class MessageWaits implements ServerEventListener {
    static final int MAX_PER_CLIENT = 100;
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

    /** The HTTP client behind a wait, as far as a wait needs to know it. */
    interface WaitingClient {
        /** Whether the client closed its end; only asked while the wait is unanswered. */
        boolean hasClosed();

        void close();
    }

    /**
     * One wait. Its answer and the look at its client's connection exclude each other, so the
     * connection is never read once the answer is on its way (Jetty reads it again after that).
     */
    private static final class Waiter {
        private final long after;
        private final MessageQuery query;
        private final WaitingClient client;
        private final CompletableFuture<StoredMessage> result = new CompletableFuture<>();
        private final ReentrantLock lock = new ReentrantLock();

        Waiter(long after, MessageQuery query, WaitingClient client) {
            this.after = after;
            this.query = query;
            this.client = client;
        }

        boolean wants(StoredMessage stored) {
            return stored.cursor() > after && query.test(stored.message(), stored.read());
        }

        void answer(StoredMessage message) {
            lock.lock();
            try {
                result.complete(message);
            } finally {
                lock.unlock();
            }
        }

        void fail(ApiException why) {
            lock.lock();
            try {
                result.completeExceptionally(why);
            } finally {
                lock.unlock();
            }
        }

        /** Skipped while an answer is being written: that write is what the lock is there for. */
        void endIfClientGone() {
            if (!lock.tryLock()) {
                return;
            }
            try {
                if (!result.isDone() && client.hasClosed()) {
                    client.close();
                    result.completeExceptionally(new ApiException(499, "the client closed the connection"));
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private final MessageStore store;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            daemon("smtplab-wait-timer"));
    // Answers are written off the SMTP session's thread, so a slow HTTP client never holds up SMTP.
    private final ExecutorService answers = Executors.newFixedThreadPool(2, daemon("smtplab-wait-answer"));

    MessageWaits(MessageStore store) {
        this.store = store;
        timer.scheduleWithFixedDelay(this::endWaitsOfClientsGone, SWEEP_INTERVAL.toMillis(),
                SWEEP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The first stored message after the cursor that matches, now or when it arrives; fails with 408
     * after the timeout.
     */
    CompletableFuture<StoredMessage> await(long after, MessageQuery query, Duration timeout, String address,
                                           WaitingClient client) {
        AtomicInteger open = perClient.computeIfAbsent(address, key -> new AtomicInteger());
        if (open.incrementAndGet() > MAX_PER_CLIENT) {
            release(address);
            throw new ApiException(429, address + " has " + MAX_PER_CLIENT + " waits open already; wait for one "
                    + "to end");
        }
        Waiter waiter = new Waiter(after, query, client);
        waiters.add(waiter);
        ScheduledFuture<?> expiry = timer.schedule(() -> waiter.fail(new ApiException(408,
                "no matching message arrived within " + timeout.toSeconds() + " s")), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        waiter.result.whenComplete((message, failure) -> {
            waiters.remove(waiter);
            expiry.cancel(false);
            release(address);
        });
        // Listening first, then looking: a message stored in between is found either way.
        store.firstAfter(after, query).ifPresent(stored -> answers.execute(() -> answerWithTheFirst(waiter, stored)));
        return waiter.result;
    }

    /**
     * Answers with the first message after the waiter's cursor, which is not always the one that
     * woke it: two arrivals close together are answered on two threads, and the later must not win.
     */
    private void answerWithTheFirst(Waiter waiter, StoredMessage arrived) {
        waiter.answer(store.firstAfter(waiter.after, waiter.query).orElse(arrived));
    }

    private void release(String address) {
        perClient.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private void endWaitsOfClientsGone() {
        for (Waiter waiter : waiters) {
            try {
                waiter.endIfClientGone();
            } catch (RuntimeException unexpected) {
                // One broken connection must not stop the sweep for the others.
                waiter.fail(new ApiException(500, "the wait failed: " + unexpected));
            }
        }
    }

    @Override
    public void messageReceived(RecordedMessage message) {
        if (waiters.isEmpty()) {
            return;
        }
        OptionalLong cursor = store.cursorOf(message.id());
        if (cursor.isEmpty()) {
            return;   // already evicted or deleted
        }
        StoredMessage stored = new StoredMessage(cursor.getAsLong(), message);
        for (Waiter waiter : waiters) {
            if (waiter.wants(stored)) {
                answers.execute(() -> answerWithTheFirst(waiter, stored));
            }
        }
    }

    int open() {
        return waiters.size();
    }

    void close() {
        waiters.forEach(waiter -> waiter.fail(new ApiException(503, "the server is stopping")));
        timer.shutdownNow();
        answers.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
