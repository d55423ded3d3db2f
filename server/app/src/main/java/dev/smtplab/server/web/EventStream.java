package dev.smtplab.server.web;

import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.record.TranscriptLine;
import dev.smtplab.server.record.StoredMessage;
import dev.smtplab.server.scenario.SmtpStage;
import io.javalin.http.sse.SseClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Server-Sent Events: message received, session begun, ended, rejected or dropped, rule fired; and,
 * for a browser watching one session, each line of its transcript as it is typed ({@link #joinSession}).
 *
 * <p>The SMTP side only puts events into each browser's outbox, which never blocks; a thread per
 * browser writes them out. A browser too slow to keep up fills its outbox and is disconnected
 * (its EventSource reconnects and the page reloads what it shows), so a slow browser never slows
 * SMTP, and memory stays bounded.
 */
final class EventStream implements ServerEventListener {
    /** Events a browser may fall behind by before it is disconnected. */
    static final int OUTBOX_LIMIT = 1_000;

    /** Where one browser's events go: an SSE connection, or a test's stand-in. */
    interface Sink {
        void send(String event, Object data);

        boolean closed();

        void close();

        /** The first thing the browser reads, written by its writer thread before any event. */
        default void greet() {
        }
    }

    private final Map<Sink, Outbox> outboxes = new ConcurrentHashMap<>();
    /** Where a message's cursor is read, for the summary each browser gets. */
    private final MessageStore store;
    private final InboxScope scope;
    /** Set once the web server stops: a browser joining after that is closed at once. */
    private volatile boolean closing;

    EventStream(MessageStore store, InboxScope scope) {
        this.store = store;
        this.scope = scope;
    }

    /** A browser joins; a user limited to some inboxes (--web-auth-inboxes) hears only of theirs. */
    void join(SseClient client) {
        Set<String> visible = scope.allowed(client.ctx());
        Sink sink = sink(client);
        client.onClose(() -> leave(sink));
        // Kept open first: Javalin's close() only ends a stream already kept alive, and a server
        // stopping may close this one before the handler returns.
        client.keepAlive();
        // Registered before the browser reads anything, so a stop that follows its greeting ends it too.
        subscribe(sink, visible);
    }

    void subscribe(Sink sink) {
        subscribe(sink, null);
    }

    /** @param visible the inboxes this browser hears of; null for all */
    void subscribe(Sink sink, Set<String> visible) {
        subscribe(sink, visible, null);
    }

    /** @param session the one session whose lines this stream carries, or null for the server's events */
    private Outbox subscribe(Sink sink, Set<String> visible, String session) {
        Outbox outbox = new Outbox(sink, visible, session);
        outboxes.put(sink, outbox);
        outbox.start();
        if (closing) {
            leave(sink);
        }
        return outbox;
    }

    /**
     * A browser watches one session (GET /api/v1/sessions/{id}/live): the transcript so far, then each
     * line as it comes, each with its index (a line may come twice, or out of order, around the
     * moment of joining: the browser places them by index), then "end" with the session's summary.
     * Only for users who may see every inbox: a session's inbox is not known until its mail is.
     */
    void joinSession(SseClient client, String sessionId, java.util.function.Function<String,
            java.util.Optional<RecordedSession>> openSession) {
        Sink sink = sink(client);
        client.onClose(() -> leave(sink));
        if (scope.allowed(client.ctx()) != null) {
            client.sendEvent("end", Map.of("error", "live transcripts are for users who may see every inbox"));
            client.close();
            return;
        }
        // Kept open before anything is queued: the writer may end the stream (a session already over)
        // before this handler returns, and keepAlive() after that would hold a closed stream open.
        client.keepAlive();
        Outbox outbox = subscribe(sink, null, sessionId);
        java.util.Optional<RecordedSession> open = openSession.apply(sessionId);
        java.util.Optional<RecordedSession> session = open.isPresent() ? open : store.session(sessionId);
        if (session.isEmpty()) {
            outbox.offer(new Event("end", Map.of("error", "session " + sessionId + " not found"), true));
        } else {
            List<TranscriptLine> lines = session.get().transcript();
            for (int i = 0; i < lines.size(); i++) {
                outbox.offer(new Event("line", Dtos.LiveLine.of(sessionId, i, lines.get(i)), false));
            }
            if (open.isEmpty()) {
                outbox.offer(new Event("end", Dtos.SessionSummary.of(session.get()), true));
            }
        }
    }

    private Sink sink(SseClient client) {
        return new Sink() {
            @Override
            public void send(String event, Object data) {
                client.sendEvent(event, data);
            }

            @Override
            public boolean closed() {
                return client.terminated();
            }

            @Override
            public void close() {
                client.close();
            }

            @Override
            public void greet() {
                client.sendComment("connected");
            }
        };
    }

    /** Stops the browser's writer; returns its outbox, or null if it had left already. */
    private Outbox leave(Sink sink) {
        Outbox outbox = outboxes.remove(sink);
        if (outbox != null) {
            outbox.stop();
        }
        return outbox;
    }

    /** The web server starts (again): browsers may join. */
    void open() {
        closing = false;
    }

    int browsers() {
        return outboxes.size();
    }

    @Override
    public void messageReceived(RecordedMessage message) {
        broadcast("message", Set.of(message.inbox()), () -> Dtos.MessageSummary.of(
                new StoredMessage(store.cursorOf(message.id()).orElse(0), message)));
    }

    /**
     * Messages were marked or deleted through the API: other browsers showing them reload their list.
     *
     * @param tab the browser tab that made the change (its X-SmtpLab-Tab header), which has already
     *            drawn it; empty for another client
     */
    void messagesChanged(Set<String> inboxes, String tab) {
        broadcast("messages-changed", inboxes, () -> Map.of("tab", tab, "inboxes", List.copyOf(inboxes)));
    }

    @Override
    public void sessionStarted(RecordedSession session) {
        broadcast("session-started", null, () -> Dtos.SessionSummary.of(session));
    }

    @Override
    public void transcriptLine(String sessionId, int index, TranscriptLine line) {
        toWatchers(sessionId, () -> new Event("line", Dtos.LiveLine.of(sessionId, index, line), false));
    }

    /** Called on SMTP threads: queues for the browsers watching this session, if any, and returns. */
    private void toWatchers(String sessionId, Supplier<Event> event) {
        if (outboxes.isEmpty()) {
            return;
        }
        Event queued = null;
        for (Outbox outbox : outboxes.values()) {
            if (sessionId.equals(outbox.session)) {
                queued = queued == null ? event.get() : queued;
                if (!outbox.offer(queued)) {
                    leave(outbox.sink);
                }
            }
        }
    }

    @Override
    public void sessionEnded(RecordedSession session) {
        toWatchers(session.id(), () -> new Event("end", Dtos.SessionSummary.of(session), true));
        boolean refused = session.outcome() == SessionOutcome.REJECTED || session.outcome() == SessionOutcome.DROPPED
                || session.outcome() == SessionOutcome.TIMED_OUT;
        broadcast(refused ? "session-rejected" : "session", Set.copyOf(session.inboxes()),
                () -> Dtos.SessionSummary.of(session));
    }

    @Override
    public void ruleFired(String sessionId, String ruleId, SmtpStage stage) {
        broadcast("rule-fired", null, () -> Map.of("sessionId", sessionId, "rule", ruleId, "stage", stage.key()));
    }

    /**
     * Called on SMTP threads: queues and returns at once.
     *
     * @param inboxes the inboxes the event concerns; null for one that concerns the whole server
     */
    private void broadcast(String event, Set<String> inboxes, Supplier<Object> data) {
        if (outboxes.isEmpty()) {
            return;
        }
        Event queued = new Event(event, data.get(), false);
        for (Outbox outbox : outboxes.values()) {
            if (outbox.session != null || !outbox.hears(inboxes)) {
                continue;
            }
            if (!outbox.offer(queued)) {
                leave(outbox.sink);
            }
        }
    }

    /**
     * Ends every browser's stream and waits (briefly) for each writer to have closed it: the web
     * server stops after this, and a stream closed once its response is gone made Javalin spin on
     * the closing thread, logging an exception per turn, for as long as the process lived.
     */
    void closeAll() {
        closing = true;
        List<Outbox> ending = new ArrayList<>();
        for (Sink sink : outboxes.keySet()) {
            Outbox outbox = leave(sink);
            if (outbox != null) {
                ending.add(outbox);
            }
        }
        for (Outbox outbox : ending) {
            outbox.awaitEnd(Duration.ofSeconds(2));
        }
    }

    /** @param last the stream ends once this is written (a watched session's end) */
    private record Event(String name, Object data, boolean last) {
    }

    /** One browser's queue and the thread that writes it out. */
    private static final class Outbox implements Runnable {
        private static final Event STOP = new Event("", "", true);
        private final Sink sink;
        private final Set<String> visible;
        /** The one session this stream watches, or null for the server's events. */
        private final String session;
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(OUTBOX_LIMIT + 1);
        private final Thread writer;
        private volatile boolean stopped;

        Outbox(Sink sink, Set<String> visible, String session) {
            this.sink = sink;
            this.visible = visible;
            this.session = session;
            this.writer = new Thread(this, "smtplab-sse-writer");
            writer.setDaemon(true);
        }

        void start() {
            writer.start();
        }

        /** A browser limited to some inboxes hears of events in them, and of nothing server-wide. */
        boolean hears(Set<String> inboxes) {
            return visible == null || (inboxes != null && inboxes.stream().anyMatch(visible::contains));
        }

        /** False when the browser has fallen too far behind (or gone): it is to be disconnected. */
        boolean offer(Event event) {
            return !stopped && queue.size() < OUTBOX_LIMIT && queue.offer(event);
        }

        void stop() {
            if (!stopped) {
                stopped = true;
                queue.clear();
                queue.offer(STOP);
            }
        }

        /** Waits until the writer has closed the stream, at most this long. */
        void awaitEnd(Duration timeout) {
            try {
                writer.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }


        @Override
        public void run() {
            try {
                sink.greet();
                while (!stopped) {
                    Event event = queue.take();
                    if (event == STOP || sink.closed()) {
                        break;
                    }
                    sink.send(event.name(), event.data());
                    if (event.last()) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // the browser went away mid-write
            } finally {
                stopped = true;
                sink.close();
            }
        }
    }
}
