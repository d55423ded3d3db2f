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
import java.util.function.Predicate;

/**
 * The long polls of {@code GET /api/v1/messages/wait}, held without a thread each: a waiter is a
 * future, completed when a matching message is stored or its timeout passes, so a thousand open
 * waits leave the web server's threads free for the UI, the API and /healthz. Each client address
 * may hold at most {@link #MAX_PER_CLIENT} at once.
 */
final class MessageWaits implements ServerEventListener {
    static final int MAX_PER_CLIENT = 100;

    private record Waiter(Predicate<RecordedMessage> condition, CompletableFuture<RecordedMessage> result) {
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
    }

    /** The first stored message that meets the condition, now or when it arrives; fails with 408 after the timeout. */
    CompletableFuture<RecordedMessage> await(Predicate<RecordedMessage> condition, Duration timeout, String client) {
        AtomicInteger open = perClient.computeIfAbsent(client, key -> new AtomicInteger());
        if (open.incrementAndGet() > MAX_PER_CLIENT) {
            release(client);
            throw new ApiException(429, client + " has " + MAX_PER_CLIENT + " waits open already; wait for one "
                    + "to end");
        }
        CompletableFuture<RecordedMessage> result = new CompletableFuture<>();
        Waiter waiter = new Waiter(condition, result);
        waiters.add(waiter);
        ScheduledFuture<?> expiry = timer.schedule(() -> result.completeExceptionally(new ApiException(408,
                "no matching message arrived within " + timeout.toSeconds() + " s")), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        result.whenComplete((message, failure) -> {
            waiters.remove(waiter);
            expiry.cancel(false);
            release(client);
        });
        // Listening first, then looking: a message stored in between is found either way.
        for (RecordedMessage message : store.messages()) {
            if (condition.test(message)) {
                answers.execute(() -> result.complete(message));
                break;
            }
        }
        return result;
    }

    private void release(String client) {
        perClient.computeIfPresent(client, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    @Override
    public void messageReceived(RecordedMessage message) {
        for (Waiter waiter : waiters) {
            if (waiter.condition().test(message)) {
                answers.execute(() -> waiter.result().complete(message));
            }
        }
    }

    int open() {
        return waiters.size();
    }

    void close() {
        waiters.forEach(waiter -> waiter.result().completeExceptionally(new ApiException(503, "the server is stopping")));
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
