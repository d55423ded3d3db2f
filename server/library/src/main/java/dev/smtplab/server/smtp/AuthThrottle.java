package dev.smtplab.server.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed logins, remembered per client address for ten minutes, as Postfix's anvil remembers
 * rates: the first few cost nothing (a test that tries a wrong password stays fast), then each
 * AUTH from that address waits longer, up to 8 s, so guessing a password takes days, not minutes.
 */
final class AuthThrottle {
    static final int FREE_FAILURES = 3;
    static final Duration WINDOW = Duration.ofMinutes(10);
    static final Duration MAX_DELAY = Duration.ofSeconds(8);
    private static final int MAX_CLIENTS = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>();

    AuthThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long an AUTH from this address waits before it is looked at: none, then 1 s, 2 s, 4 s, 8 s. */
    static Duration delayAfter(int recentFailures) {
        if (recentFailures < FREE_FAILURES) {
            return Duration.ZERO;
        }
        long seconds = 1L << Math.min(recentFailures - FREE_FAILURES, 3);
        return Duration.ofSeconds(Math.min(seconds, MAX_DELAY.toSeconds()));
    }

    synchronized int recentFailures(String client) {
        Deque<Instant> times = failures.get(client);
        if (times == null) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(WINDOW);
        while (!times.isEmpty() && times.peekFirst().isBefore(cutoff)) {
            times.pollFirst();
        }
        if (times.isEmpty()) {
            failures.remove(client);
            return 0;
        }
        return times.size();
    }

    synchronized void failed(String client) {
        failures.computeIfAbsent(client, key -> new ArrayDeque<>()).addLast(clock.instant());
        if (failures.size() > MAX_CLIENTS) {
            failures.remove(failures.keySet().iterator().next());
        }
    }
}
