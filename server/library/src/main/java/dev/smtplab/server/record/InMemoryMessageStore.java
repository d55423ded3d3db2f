package dev.smtplab.server.record;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The default store: bounded in messages, sessions and bytes of message content, in memory, oldest
 * evicted first (the newest message is always kept). Readers take no lock (a skip-list map per
 * kind); adding a message holds one only to give it the next cursor and make it visible together,
 * so cursors follow the order in which messages can be seen. Waiters are woken only when someone
 * waits.
 */
public final class InMemoryMessageStore implements MessageStore {
    public static final int DEFAULT_MAX_MESSAGES = 1_000;
    public static final int DEFAULT_MAX_SESSIONS = 1_000;
    /** 256 MB of message content: a thousand messages of a few hundred kilobytes, or ten at the size limit. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    private final int maxMessages;
    /** Messages received longer ago than this go, when anyone next looks; null keeps them. */
    private final java.time.Duration maxAge;
    private final java.time.Clock clock;
    private final int maxSessions;
    private final long maxBytes;

    // Keyed by arrival sequence, so iteration order is arrival order and eviction takes the first key.
    private final ConcurrentSkipListMap<Long, RecordedMessage> messagesBySequence = new ConcurrentSkipListMap<>();
    private final Map<String, Long> messageSequenceById = new ConcurrentHashMap<>();
    private final AtomicInteger messageCount = new AtomicInteger();
    private final AtomicLong messageBytes = new AtomicLong();
    private final AtomicLong nextMessageSequence = new AtomicLong();
    private final AtomicLong lastTakenSequence = new AtomicLong(0);
    /** The ids of the messages marked read; a message leaves it when it leaves the store. */
    private final java.util.Set<String> readIds = ConcurrentHashMap.newKeySet();
    /** Held while a message gets its cursor and becomes visible, so that the two happen in the same order. */
    private final Object visibility = new Object();

    private final ConcurrentSkipListMap<Long, RecordedSession> sessionsBySequence = new ConcurrentSkipListMap<>();
    private final Map<String, Long> sessionSequenceById = new ConcurrentHashMap<>();
    private final AtomicInteger sessionCount = new AtomicInteger();
    private final AtomicLong nextSessionSequence = new AtomicLong();

    private final Object arrivals = new Object();
    private final AtomicInteger waiters = new AtomicInteger();

    public InMemoryMessageStore() {
        this(DEFAULT_MAX_MESSAGES, DEFAULT_MAX_SESSIONS);
    }

    public InMemoryMessageStore(int maxMessages, int maxSessions) {
        this(maxMessages, maxSessions, DEFAULT_MAX_BYTES);
    }

    /** @param maxBytes message content kept in all; past it the oldest messages go */
    public InMemoryMessageStore(int maxMessages, int maxSessions, long maxBytes) {
        this(maxMessages, maxSessions, maxBytes, null, java.time.Clock.systemUTC());
    }

    /**
     * @param maxAge messages received longer ago than this (by the clock) go; null keeps them
     * @param clock  what "now" is for {@code maxAge}
     */
    public InMemoryMessageStore(int maxMessages, int maxSessions, long maxBytes, java.time.Duration maxAge,
                                java.time.Clock clock) {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be at least 1, got " + maxMessages);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("maxAge must be longer than 0, got " + maxAge);
        }
        this.maxMessages = maxMessages;
        this.maxSessions = maxSessions;
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
    }

    /** The oldest messages go while they are older than {@code maxAge}; cursor order is arrival order. */
    private void forgetExpired() {
        if (maxAge == null) {
            return;
        }
        java.time.Instant cutoff = clock.instant().minus(maxAge);
        Map.Entry<Long, RecordedMessage> oldest;
        while ((oldest = messagesBySequence.firstEntry()) != null && oldest.getValue().receivedAt().isBefore(cutoff)) {
            if (messagesBySequence.remove(oldest.getKey(), oldest.getValue())) {
                forget(oldest.getValue());
            }
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Octets of message content held now. */
    public long bytes() {
        return messageBytes.get();
    }

    public int maxMessages() {
        return maxMessages;
    }

    public int maxSessions() {
        return maxSessions;
    }

    @Override
    public void addMessage(RecordedMessage message) {
        synchronized (visibility) {
            long sequence = nextMessageSequence.incrementAndGet();
            if (messageSequenceById.putIfAbsent(message.id(), sequence) != null) {
                throw new IllegalArgumentException("a message with id " + message.id() + " is stored already");
            }
            messagesBySequence.put(sequence, message);
        }
        forgetExpired();
        messageCount.incrementAndGet();
        messageBytes.addAndGet(message.size());
        while ((messageCount.get() > maxMessages || messageBytes.get() > maxBytes) && messageCount.get() > 1) {
            if (!evictOldestMessage()) {
                break;
            }
        }
        wakeWaiters();
    }

    private void wakeWaiters() {
        if (waiters.get() > 0) {
            synchronized (arrivals) {
                arrivals.notifyAll();
            }
        }
    }

    private boolean evictOldestMessage() {
        Map.Entry<Long, RecordedMessage> oldest = messagesBySequence.pollFirstEntry();
        if (oldest == null) {
            return false;
        }
        forget(oldest.getValue());
        return true;
    }

    private void forget(RecordedMessage message) {
        messageSequenceById.remove(message.id());
        readIds.remove(message.id());
        messageCount.decrementAndGet();
        messageBytes.addAndGet(-message.size());
    }

    @Override
    public void putSession(RecordedSession session) {
        Long existing = sessionSequenceById.get(session.id());
        if (existing != null && sessionsBySequence.replace(existing, session) != null) {
            wakeWaiters();
            return;
        }
        long sequence = nextSessionSequence.getAndIncrement();
        sessionSequenceById.put(session.id(), sequence);
        sessionsBySequence.put(sequence, session);
        if (sessionCount.incrementAndGet() > maxSessions) {
            Map.Entry<Long, RecordedSession> oldest = sessionsBySequence.pollFirstEntry();
            if (oldest != null) {
                sessionSequenceById.remove(oldest.getValue().id(), oldest.getKey());
                sessionCount.decrementAndGet();
            }
        }
        wakeWaiters();
    }

    @Override
    public List<RecordedMessage> messages() {
        forgetExpired();
        return List.copyOf(messagesBySequence.values());
    }

    @Override
    public Optional<RecordedMessage> message(String id) {
        forgetExpired();
        Long sequence = messageSequenceById.get(id);
        return sequence == null ? Optional.empty() : Optional.ofNullable(messagesBySequence.get(sequence));
    }

    @Override
    public MessagePage page(MessageQuery query, long before, int limit) {
        forgetExpired();
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least 1 message, not " + limit);
        }
        List<StoredMessage> page = new ArrayList<>();
        int total = 0;
        long nextBefore = -1;
        for (Map.Entry<Long, RecordedMessage> entry : messagesBySequence.descendingMap().entrySet()) {
            boolean read = readIds.contains(entry.getValue().id());
            if (!query.test(entry.getValue(), read)) {
                continue;
            }
            total++;
            if (entry.getKey() < before) {
                if (page.size() < limit) {
                    page.add(new StoredMessage(entry.getKey(), entry.getValue(), read));
                } else if (nextBefore < 0) {
                    nextBefore = page.get(page.size() - 1).cursor();
                }
            }
        }
        return new MessagePage(page, total, nextBefore < 0 ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(nextBefore));
    }

    @Override
    public int count(MessageQuery query) {
        forgetExpired();
        int count = 0;
        for (RecordedMessage message : messagesBySequence.values()) {
            if (query.test(message, readIds.contains(message.id()))) {
                count++;
            }
        }
        return count;
    }

    @Override
    public int delete(MessageQuery query) {
        int deleted = 0;
        for (Map.Entry<Long, RecordedMessage> entry : messagesBySequence.entrySet()) {
            if (query.test(entry.getValue(), readIds.contains(entry.getValue().id()))
                    && messagesBySequence.remove(entry.getKey(), entry.getValue())) {
                forget(entry.getValue());
                deleted++;
            }
        }
        return deleted;
    }

    @Override
    public Optional<StoredMessage> firstAfter(long cursor, MessageQuery query) {
        forgetExpired();
        for (Map.Entry<Long, RecordedMessage> entry : messagesBySequence.tailMap(cursor, false).entrySet()) {
            boolean read = readIds.contains(entry.getValue().id());
            if (query.test(entry.getValue(), read)) {
                return Optional.of(new StoredMessage(entry.getKey(), entry.getValue(), read));
            }
        }
        return Optional.empty();
    }

    @Override
    public java.util.OptionalLong cursorOf(String id) {
        Long sequence = messageSequenceById.get(id);
        return sequence == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(sequence);
    }

    @Override
    public List<RecordedSession> sessions() {
        return List.copyOf(sessionsBySequence.values());
    }

    @Override
    public Optional<RecordedSession> session(String id) {
        Long sequence = sessionSequenceById.get(id);
        return sequence == null ? Optional.empty() : Optional.ofNullable(sessionsBySequence.get(sequence));
    }

    @Override
    public List<RecordedMessage> messagesOfSession(String sessionId) {
        List<RecordedMessage> result = new ArrayList<>();
        for (RecordedMessage message : messagesBySequence.values()) {
            if (message.sessionId().equals(sessionId)) {
                result.add(message);
            }
        }
        return result;
    }

    @Override
    public boolean deleteMessage(String id) {
        Long sequence = messageSequenceById.get(id);
        RecordedMessage removed = sequence == null ? null : messagesBySequence.remove(sequence);
        if (removed == null) {
            return false;
        }
        forget(removed);
        return true;
    }

    @Override
    public boolean markRead(String id, boolean read) {
        if (!messageSequenceById.containsKey(id)) {
            return false;
        }
        if (read) {
            readIds.add(id);
            // Deleted meanwhile: a read mark must not outlive its message.
            if (!messageSequenceById.containsKey(id)) {
                readIds.remove(id);
                return false;
            }
        } else {
            readIds.remove(id);
        }
        return true;
    }

    @Override
    public int markRead(MessageQuery query, boolean read) {
        int changed = 0;
        for (RecordedMessage message : messagesBySequence.values()) {
            if (readIds.contains(message.id()) != read && query.test(message, !read) && markRead(message.id(), read)) {
                changed++;
            }
        }
        return changed;
    }

    @Override
    public boolean isRead(String id) {
        return readIds.contains(id);
    }

    @Override
    public void clear() {
        for (Long sequence : messagesBySequence.keySet()) {
            RecordedMessage removed = messagesBySequence.remove(sequence);
            if (removed != null) {
                forget(removed);
            }
        }
        for (Long sequence : sessionsBySequence.keySet()) {
            RecordedSession removed = sessionsBySequence.remove(sequence);
            if (removed != null) {
                sessionSequenceById.remove(removed.id(), sequence);
                sessionCount.decrementAndGet();
            }
        }
    }

    @Override
    public List<RecordedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        if (count > maxMessages) {
            throw new IllegalArgumentException("cannot wait for " + count + " messages: this store keeps at most "
                    + maxMessages);
        }
        List<RecordedMessage> stored = waitFor(() -> messageCount.get() >= count ? messages() : null, timeout);
        if (stored == null) {
            List<RecordedMessage> arrived = messages();
            throw timedOut("expected " + count + " message(s) within " + describe(timeout) + " but " + arrived.size()
                    + " arrived" + (arrived.isEmpty() ? "" : ": " + arrived), arrived.size());
        }
        return stored;
    }

    @Override
    public RecordedMessage takeMessage(Duration timeout) throws InterruptedException {
        RecordedMessage taken = waitFor(this::takeNext, timeout);
        if (taken == null) {
            int stored = messageCount.get();
            throw timedOut("no message arrived within " + describe(timeout) + " (" + (stored == 0 ? "none stored"
                    : stored + " stored, all taken already") + ")", stored);
        }
        return taken;
    }

    @Override
    public RecordedMessage awaitMessage(Predicate<RecordedMessage> condition, Duration timeout)
            throws InterruptedException {
        RecordedMessage found = waitFor(() -> {
            for (RecordedMessage message : messagesBySequence.values()) {
                if (condition.test(message)) {
                    return message;
                }
            }
            return null;
        }, timeout);
        if (found == null) {
            int stored = messageCount.get();
            throw timedOut("no matching message arrived within " + describe(timeout) + " (" + stored
                    + " stored, none matching)", stored);
        }
        return found;
    }

    @Override
    public RecordedSession awaitSession(Predicate<RecordedSession> condition, Duration timeout)
            throws InterruptedException {
        RecordedSession found = waitFor(() -> {
            for (RecordedSession session : sessionsBySequence.values()) {
                if (condition.test(session)) {
                    return session;
                }
            }
            return null;
        }, timeout);
        if (found == null) {
            throw new MessageWaitTimeoutException("no session matched within " + describe(timeout) + "; "
                    + sessionCount.get() + " stored");
        }
        return found;
    }

    /** The headline, then what the sessions that delivered nothing did. */
    private MessageWaitTimeoutException timedOut(String headline, int messagesStored) {
        String story = WhatHappened.inSessions(sessions(), messagesStored);
        return new MessageWaitTimeoutException(headline + "." + (story.isEmpty() ? "" : " " + story));
    }

    private RecordedMessage takeNext() {
        while (true) {
            long last = lastTakenSequence.get();
            Map.Entry<Long, RecordedMessage> next = messagesBySequence.higherEntry(last);
            if (next == null) {
                return null;
            }
            if (lastTakenSequence.compareAndSet(last, next.getKey())) {
                return next.getValue();
            }
        }
    }

    @Override
    public <T> T waitUntil(java.util.function.Supplier<T> attempt, Duration timeout) throws InterruptedException {
        return waitFor(attempt, timeout);
    }

    /** Attempts under the arrivals monitor, so that no arrival slips between an attempt and the wait. */
    private <T> T waitFor(java.util.function.Supplier<T> attempt, Duration timeout) throws InterruptedException {
        waiters.incrementAndGet();
        try {
            synchronized (arrivals) {
                return Attempts.until(attempt, timeout, timeout, arrivals::wait);
            }
        } finally {
            waiters.decrementAndGet();
        }
    }

    private static String describe(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
