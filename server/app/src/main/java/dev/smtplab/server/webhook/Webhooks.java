package dev.smtplab.server.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.scenario.SmtpStage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhooks: what happens on the SMTP side POSTed as JSON to each endpoint (message received,
 * session ended or refused, rule fired, notification sent), signed ({@link WebhookSignature}).
 * Events are only queued on the session's thread; each endpoint has a thread of its own that
 * delivers them in order and retries a failure with growing waits, so a slow or dead receiver
 * never slows SMTP, nor another endpoint. An endpoint whose queue is full drops new events and
 * counts them. The last {@value #LOG_SIZE} attempts are kept for the API.
 */
public final class Webhooks implements ServerEventListener, AutoCloseable {
    public static final int LOG_SIZE = 200;

    /**
     * @param timeout    how long one attempt may take
     * @param firstRetry the wait before the first retry; each next one is twice as long
     * @param attempts   attempts per event, the first included
     * @param queueSize  events an endpoint holds while it delivers
     */
    public record Settings(Duration timeout, Duration firstRetry, int attempts, int queueSize) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(5), Duration.ofSeconds(1), 5, 10_000);
    }

    /** One attempt to deliver one event, for the log. */
    public record Delivery(String event, String type, String url, int attempt, Integer status, String error,
                           long millis, Instant at, String outcome) {
    }

    /** An endpoint and its counts. */
    public record EndpointStatus(String url, int queued, long delivered, long failed, long dropped) {
    }

    private record Event(String id, String type, byte[] body) {
    }

    private final Settings settings;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    /** Made with the first endpoint: an HTTP client starts a thread, which a server without webhooks need not. */
    private HttpClient http;
    private final AtomicLong eventNumbers = new AtomicLong();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Deque<Delivery> log = new ArrayDeque<>();

    /** A new signing secret, for an endpoint given none: "whsec_" and 24 random bytes in hex. */
    public static String newSecret() {
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        return "whsec_" + java.util.HexFormat.of().formatHex(random);
    }

    public Webhooks(Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return http;
    }

    /**
     * Adds an endpoint, or gives an existing one this secret.
     *
     * @throws IllegalArgumentException naming what is wrong with the URL or the secret
     */
    public synchronized void add(String url, String secret) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhook " + url + ": not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("webhook " + url + ": give an http:// or https:// URL with a host");
        }
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("webhook " + url + ": the signing secret must be at least 16 characters");
        }
        Endpoint old = endpoints.remove(uri.toString());
        if (old != null) {
            old.stop();
        }
        Endpoint endpoint = new Endpoint(uri, secret);
        endpoints.put(uri.toString(), endpoint);
        endpoint.start();
    }

    /** Removes an endpoint; its queued events are dropped. False when there was none. */
    public synchronized boolean remove(String url) {
        Endpoint endpoint = endpoints.remove(URI.create(url.trim()).toString());
        if (endpoint == null) {
            return false;
        }
        endpoint.stop();
        return true;
    }

    public synchronized List<EndpointStatus> endpoints() {
        return endpoints.values().stream().map(Endpoint::status).toList();
    }

    /** The last attempts, newest first. */
    public List<Delivery> deliveries() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public void messageReceived(RecordedMessage message) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", message.id());
        data.put("session", message.sessionId());
        data.put("inbox", message.inbox());
        data.put("from", message.mailFrom());
        data.put("to", message.acceptedRecipients());
        data.put("subject", message.subject().orElse(null));
        data.put("size", message.size());
        publish("message.received", data);
    }

    @Override
    public void sessionEnded(RecordedSession session) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", session.id());
        data.put("client", session.clientAddress());
        data.put("outcome", session.outcome().name().toLowerCase(java.util.Locale.ROOT));
        data.put("detail", session.outcomeDetail());
        data.put("messages", session.messageIds());
        publish(session.outcome() == SessionOutcome.REJECTED ? "session.refused" : "session.ended", data);
    }

    @Override
    public void ruleFired(String sessionId, String ruleId, SmtpStage stage) {
        publish("rule.fired", Map.of("session", sessionId, "rule", ruleId, "stage", stage.key()));
    }

    @Override
    public void notificationSent(RecordedMessage report, String aboutMessageId, String action) {
        publish("bounce.sent", Map.of("id", report.id(), "about", aboutMessageId, "action", action,
                "to", report.acceptedRecipients()));
    }

    /** Queues the event for every endpoint; never blocks, never throws. */
    private void publish(String type, Object data) {
        List<Endpoint> now;
        synchronized (this) {
            if (endpoints.isEmpty()) {
                return;
            }
            now = new ArrayList<>(endpoints.values());
        }
        try {
            String id = "evt_" + eventNumbers.incrementAndGet();
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("id", id);
            event.put("type", type);
            event.put("created", clock.instant().toString());
            event.put("data", data);
            Event queued = new Event(id, type, json.writeValueAsBytes(event));
            now.forEach(endpoint -> endpoint.offer(queued));
        } catch (Exception e) {
            // A webhook must never break SMTP.
        }
    }

    private void logged(Delivery delivery) {
        synchronized (log) {
            log.addFirst(delivery);
            while (log.size() > LOG_SIZE) {
                log.removeLast();
            }
        }
    }

    @Override
    public synchronized void close() {
        endpoints.values().forEach(Endpoint::stop);
        endpoints.clear();
    }

    /** One receiver: its queue, and the thread that delivers it. */
    private final class Endpoint {
        private final URI url;
        private final String secret;
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(settings.queueSize());
        private final AtomicLong delivered = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final Thread thread;

        Endpoint(URI url, String secret) {
            this.url = url;
            this.secret = secret;
            this.thread = new Thread(this::deliverAll, "smtplab-webhook " + url);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() {
            thread.interrupt();
            queue.clear();
        }

        void offer(Event event) {
            if (!queue.offer(event)) {
                dropped.incrementAndGet();
            }
        }

        EndpointStatus status() {
            return new EndpointStatus(url.toString(), queue.size(), delivered.get(), failed.get(), dropped.get());
        }

        private void deliverAll() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    deliver(queue.take());
                }
            } catch (InterruptedException e) {
                // stopped
            }
        }

        private void deliver(Event event) throws InterruptedException {
            Duration wait = settings.firstRetry();
            for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
                long started = System.nanoTime();
                Integer status = null;
                String error = null;
                try {
                    long timestamp = clock.instant().getEpochSecond();
                    HttpRequest request = HttpRequest.newBuilder(url).timeout(settings.timeout())
                            .header("Content-Type", "application/json")
                            .header("User-Agent", "SMTP Lab webhooks")
                            .header("SMTPLab-Event", event.type())
                            .header("SMTPLab-Delivery", event.id())
                            .header(WebhookSignature.HEADER, WebhookSignature.sign(secret, timestamp, event.body()))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(event.body())).build();
                    status = http().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException e) {
                    error = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
                }
                boolean ok = status != null && status / 100 == 2;
                boolean last = attempt == settings.attempts();
                logged(new Delivery(event.id(), event.type(), url.toString(), attempt, status, error,
                        (System.nanoTime() - started) / 1_000_000, clock.instant(),
                        ok ? "delivered" : last ? "failed" : "retrying"));
                if (ok) {
                    delivered.incrementAndGet();
                    return;
                }
                if (last) {
                    failed.incrementAndGet();
                    return;
                }
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2);
            }
        }
    }
}
