package dev.smtplab.server.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a greylist or a tempfail address remembers of the clients it has seen: when each key was
 * first seen, forgotten after {@code maxAge} (as postgrey forgets after its max-age) and, past
 * {@code maxEntries}, oldest first, so a client that invents senders cannot grow it without bound.
 */
final class ExpiringMemory {
    static final int DEFAULT_MAX_ENTRIES = 100_000;
    static final Duration DEFAULT_MAX_AGE = Duration.ofDays(1);

    private final Clock clock;
    private final int maxEntries;
    private final Duration maxAge;
    private final LinkedHashMap<String, Instant> firstSeen = new LinkedHashMap<>();

    ExpiringMemory(Clock clock, int maxEntries, Duration maxAge) {
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxAge = maxAge;
    }

    /** When the key was first seen, remembering now for a key not seen (or forgotten) before. */
    synchronized Instant firstSeen(String key) {
        Instant now = clock.instant();
        Instant earlier = remember(key, now);
        return earlier == null ? now : earlier;
    }

    /** Whether the key was seen before (and not forgotten since), remembering it either way. */
    synchronized boolean seenBefore(String key) {
        return remember(key, clock.instant()) != null;
    }

    /** The earlier first sighting, or null when the key is new and now remembered. */
    private Instant remember(String key, Instant now) {
        forgetOlderThan(now.minus(maxAge));
        Instant first = firstSeen.get(key);
        if (first != null) {
            return first;
        }
        firstSeen.put(key, now);
        if (firstSeen.size() > maxEntries) {
            Iterator<Map.Entry<String, Instant>> oldest = firstSeen.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return null;
    }

    synchronized int size() {
        return firstSeen.size();
    }

    /** Entries are in insertion order, so the expired ones are at the front. */
    private void forgetOlderThan(Instant cutoff) {
        Iterator<Map.Entry<String, Instant>> entries = firstSeen.entrySet().iterator();
        while (entries.hasNext() && entries.next().getValue().isBefore(cutoff)) {
            entries.remove();
        }
    }
}
