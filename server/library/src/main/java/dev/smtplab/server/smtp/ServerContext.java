package dev.smtplab.server.smtp;

import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.scenario.SmtpStage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** What every connection of one server shares: the store, the rules, the clock, counters and per-client tallies. */
final class ServerContext {
    final MessageStore store;
    final Clock clock;
    final int maxMessageSize;
    final String hostName;
    final RuleEngine rules;
    final dev.smtplab.server.inbox.Inboxes inboxes;
    final SmtpSettings settings;
    /** Postfix's answers to malformed commands; null in the lenient mode. */
    final StrictDialogue strict;
    final DataBudget dataBudget;
    /** Delivery status notifications about accepted messages, sent on a thread of their own. */
    final Notifications notifications = new Notifications(this);
    final AuthThrottle authThrottle;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final Set<ConnectionRecorder> openConnections = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> openByClient = new ConcurrentHashMap<>();
    private final Map<String, Deque<Instant>> recentByClient = new ConcurrentHashMap<>();
    private final List<ServerEventListener> listeners = new CopyOnWriteArrayList<>();

    ServerContext(SmtpSettings settings, MessageStore store, Clock clock, dev.smtplab.server.inbox.Inboxes inboxes) {
        this.settings = settings;
        this.inboxes = inboxes;
        // A store that outlived a restart holds ids already: new ones continue after them.
        connections.set(store.lastSessionNumber());
        messages.set(store.lastMessageNumber());
        this.strict = settings.lenient() ? null : new StrictDialogue(settings);
        this.dataBudget = new DataBudget(settings.limits().maxDataInFlight());
        this.authThrottle = new AuthThrottle(clock);
        this.store = store;
        this.clock = clock;
        this.maxMessageSize = settings.maxMessageSize();
        this.hostName = settings.hostName();
        this.rules = new RuleEngine(inboxes, clock, store.sharedFirstSeen().orElse(null));
    }

    void addListener(ServerEventListener listener) {
        listeners.add(listener);
    }

    void messageReceived(RecordedMessage message) {
        tell(listener -> listener.messageReceived(message));
    }

    void sessionStarted(RecordedSession session) {
        tell(listener -> listener.sessionStarted(session));
    }

    void transcriptLine(String sessionId, int index, dev.smtplab.server.record.TranscriptLine line) {
        tell(listener -> listener.transcriptLine(sessionId, index, line));
    }

    /** The session of a connection still open, as it stands now (its transcript up to this moment). */
    java.util.Optional<RecordedSession> openSession(String sessionId) {
        return openConnections.stream().filter(connection -> connection.sessionId().equals(sessionId)).findFirst()
                .map(ConnectionRecorder::current);
    }

    void sessionEnded(RecordedSession session) {
        tell(listener -> listener.sessionEnded(session));
    }

    void ruleFired(String sessionId, String ruleId, SmtpStage stage) {
        tell(listener -> listener.ruleFired(sessionId, ruleId, stage));
    }

    void replySent(String sessionId, int code) {
        tell(listener -> listener.replySent(sessionId, code));
    }

    /** Tells every listener; one that throws does not stop the others or the session. */
    private void tell(Consumer<ServerEventListener> event) {
        for (ServerEventListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                // a live view must never break SMTP
            }
        }
    }

    /**
     * A message loaded from a file, recorded as if a session of its own had delivered it: it gets
     * the next message id, and a session whose transcript says where it came from. It goes to the
     * inbox given, or (null) where its recipients route it.
     */
    RecordedMessage importMessage(byte[] data, String mailFrom, java.util.List<String> recipients, String source,
                                  String inbox) {
        return recordLocal(data, mailFrom, recipients, inbox, "imported from " + source + ": " + data.length
                + " octets, from <" + mailFrom + "> to " + recipients, "imported");
    }

    /**
     * A delivery status notification this server wrote about one of its messages: from the null
     * sender to the message's sender, recorded as if a session of its own had delivered it, its
     * transcript naming the message it is about.
     */
    RecordedMessage deliverNotification(byte[] data, String to, String aboutMessageId, String action) {
        RecordedMessage report = recordLocal(data, "", java.util.List.of(to), null, "a " + action + " notification "
                + "(DSN) about message " + aboutMessageId + ": " + data.length + " octets, from <> to <" + to + ">",
                "notification");
        tell(listener -> listener.notificationSent(report, aboutMessageId, action));
        return report;
    }

    /** A report was handed to the bounce relay, or could not be (yet). */
    void relayed(RecordedMessage report, String relay, String outcome, int attempt, String error) {
        tell(listener -> listener.notificationRelayed(report, relay, outcome, attempt, error));
        if (outcome.equals("failed")) {
            System.err.println("smtplab: the bounce relay " + relay + " did not take report " + report.id()
                    + " after " + attempt + " attempt(s): " + error);
        }
    }

    private RecordedMessage recordLocal(byte[] data, String mailFrom, java.util.List<String> recipients, String inbox,
                                        String what, String origin) {
        long index = nextConnectionIndex();
        String sessionId = Long.toString(index);
        java.time.Instant now = clock.instant();
        RecordedMessage message = new RecordedMessage(nextMessageId(), sessionId, index, 1, now, origin, 0, null,
                mailFrom, Map.of(), recipients.stream().map(address -> new dev.smtplab.server.record.Recipient(address,
                Map.of(), 250, "250 2.1.5 Ok")).toList(), data, null, null, null, java.util.List.of(),
                inbox != null ? inbox : inboxes.route(null, null, recipients));
        RecordedSession session = new RecordedSession(sessionId, index, origin, 0, now, now, null,
                dev.smtplab.server.record.SessionOutcome.COMPLETED, what, java.util.List.of(
                new dev.smtplab.server.record.TranscriptLine(now, dev.smtplab.server.record.Direction.EVENT, what)), 0,
                java.util.List.of(message.id()), null, null, null, java.util.List.of(), java.util.List.of(), 0,
                java.util.List.of(message.inbox()));
        store.keep(message);
        store.putSession(session);
        store.addMessage(message);
        messageReceived(message);
        sessionEnded(session);
        return message;
    }

    long nextConnectionIndex() {
        long shared = store.newSessionNumber();
        return shared >= 0 ? shared : connections.incrementAndGet();
    }

    String nextMessageId() {
        long shared = store.newMessageNumber();
        return Long.toString(shared >= 0 ? shared : messages.incrementAndGet());
    }

    /**
     * How many connections were open, this one included, when it was accepted: from its address and
     * in all. Connections are accepted one at a time, so each gets its own place in line, and a
     * burst is judged as it arrived (the 51st is refused, never the 50th).
     */
    record OpenCounts(int fromClient, int total) {
    }

    OpenCounts opened(ConnectionRecorder connection) {
        openConnections.add(connection);
        int fromClient = openByClient.computeIfAbsent(connection.clientAddress(), key -> new AtomicInteger())
                .incrementAndGet();
        return new OpenCounts(fromClient, openConnections.size());
    }

    void closed(ConnectionRecorder connection) {
        if (openConnections.remove(connection)) {
            openByClient.computeIfPresent(connection.clientAddress(),
                    (key, count) -> count.decrementAndGet() <= 0 ? null : count);
        }
    }


    /** Counts a connection from this address and returns how many it opened in the last minute, this one included. */
    int connectionsInLastMinute(String clientAddress) {
        Instant now = clock.instant();
        Deque<Instant> recent = recentByClient.computeIfAbsent(clientAddress, key -> new ArrayDeque<>());
        synchronized (recent) {
            while (!recent.isEmpty() && Duration.between(recent.peekFirst(), now).compareTo(Duration.ofMinutes(1)) >= 0) {
                recent.pollFirst();
            }
            recent.addLast(now);
            return recent.size();
        }
    }

    /** Marks every open connection as ended by the shutdown, before the server closes them. */
    void openConnectionsStopping() {
        openConnections.forEach(ConnectionRecorder::serverStopping);
    }
}
