package dev.smtplab.server.smtp;

import dev.smtplab.server.record.MessageStore;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What every connection of one server shares: where to record, the clock, and the id counters. */
final class ServerContext {
    final MessageStore store;
    final Clock clock;
    final int maxMessageSize;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final Set<ConnectionRecorder> openConnections = ConcurrentHashMap.newKeySet();

    ServerContext(MessageStore store, Clock clock, int maxMessageSize) {
        this.store = store;
        this.clock = clock;
        this.maxMessageSize = maxMessageSize;
    }

    long nextConnectionIndex() {
        return connections.incrementAndGet();
    }

    void opened(ConnectionRecorder connection) {
        openConnections.add(connection);
    }

    void closed(ConnectionRecorder connection) {
        openConnections.remove(connection);
    }

    /** Marks every open connection as ended by the shutdown, before the server closes them. */
    void openConnectionsStopping() {
        openConnections.forEach(ConnectionRecorder::serverStopping);
    }

    String nextMessageId() {
        return Long.toString(messages.incrementAndGet());
    }
}
