package dev.smtplab.server.record;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The loop behind every wait of the stores: try now, and again after each pause, until the attempt
 * gives a result (not null) or the time is up (then null). What a pause is differs by store: a
 * sleep, or a wait on the monitor that arrivals notify.
 */
public final class Attempts {
    private Attempts() {
    }

    /** Waits at most {@code millis} (at least 1) before the next attempt. */
    @FunctionalInterface
    public interface Pause {
        void upTo(long millis) throws InterruptedException;
    }

    /**
     * @param longestPause the most a single pause may last, so that what no notification announces
     *                     (another process's write) is still seen
     */
    public static <T> T until(Supplier<T> attempt, Duration timeout, Duration longestPause, Pause pause)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T result = attempt.get();
            if (result != null) {
                return result;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return null;
            }
            pause.upTo(Math.max(1, Math.min(remaining, longestPause.toNanos()) / 1_000_000));
        }
    }
}
