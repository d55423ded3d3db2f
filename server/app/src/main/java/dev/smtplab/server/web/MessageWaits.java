package dev.smtplab.server.web;

import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.ServerEventListener;

import java.time.Duration;
import java.util.Map;
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
import java.util.function.Predicate;

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
        private final Predicate<RecordedMessage> condition;
        private final WaitingClient client;
        private final CompletableFuture<RecordedMessage> result = new CompletableFuture<>();
        private final ReentrantLock lock = new ReentrantLock();

        Waiter(Predicate<RecordedMessage> condition, WaitingClient client) {
            this.condition = condition;
            this.client = client;
        }

        void answer(RecordedMessage message) {
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

    /** The first stored message that meets the condition, now or when it arrives; fails with 408 after the timeout. */
    CompletableFuture<RecordedMessage> await(Predicate<RecordedMessage> condition, Duration timeout, String address,
                                             WaitingClient client) {
        AtomicInteger open = perClient.computeIfAbsent(address, key -> new AtomicInteger());
        if (open.incrementAndGet() > MAX_PER_CLIENT) {
            release(address);
            throw new ApiException(429, address + " has " + MAX_PER_CLIENT + " waits open already; wait for one "
                    + "to end");
        }
        Waiter waiter = new Waiter(condition, client);
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
        for (RecordedMessage message : store.messages()) {
            if (condition.test(message)) {
                answers.execute(() -> waiter.answer(message));
                break;
            }
        }
        return waiter.result;
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
        for (Waiter waiter : waiters) {
            if (waiter.condition.test(message)) {
                answers.execute(() -> waiter.answer(message));
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
