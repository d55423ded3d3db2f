package dev.smtplab.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.RawSmtp;
import dev.smtplab.server.scenario.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Webhooks against receivers of the test's own on loopback: one that works, one that is slow, one that fails, one that is down. */
class WebhooksTest {
    private static final String SECRET = "whsec_test_0123456789abcdef";
    private static final Webhooks.Settings QUICK = new Webhooks.Settings(Duration.ofSeconds(2), Duration.ofMillis(50),
            3, 100);
    private final ObjectMapper json = new ObjectMapper();
    private final List<HttpServer> receivers = new CopyOnWriteArrayList<>();
    private FakeSmtpServer smtp;
    private Webhooks webhooks;

    @AfterEach
    void stop() {
        if (webhooks != null) {
            webhooks.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
        receivers.forEach(receiver -> receiver.stop(0));
    }

    /** A receiver answering each request with the next status the supplier gives, after the gate opens. */
    private record Received(String signature, String type, byte[] body) {
    }

    private String receiver(List<Received> received, Supplier<Integer> status, CountDownLatch gate) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                    exchange.getRequestHeaders().getFirst("SMTPLab-Event"), body));
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        receivers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void start(Scenario scenario) {
        webhooks = new Webhooks(QUICK, Clock.systemUTC());
        smtp = FakeSmtpServer.builder().scenario(scenario).build();
        smtp.addListener(webhooks);
        smtp.start();
    }

    private void sendOne(String to) throws Exception {
        try (RawSmtp client = new RawSmtp(smtp.port())) {
            client.reply();
            client.command("EHLO c.example.test");
            client.command("MAIL FROM:<app@example.test>");
            client.command("RCPT TO:<" + to + ">");
            client.command("DATA");
            assertThat(client.command("Subject: hi\r\n\r\nhello\r\n.")).startsWith("250");
            client.command("QUIT");
        }
    }

    private static void await(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void events_arrive_signed_in_order_with_what_happened() throws Exception {
        start(Scenario.builder().preset("bounce-later:after=0s").build());
        List<Received> received = new CopyOnWriteArrayList<>();
        webhooks.add(receiver(received, () -> 200, new CountDownLatch(0)), SECRET);
        sendOne("bob@example.test");
        await(() -> received.stream().anyMatch(r -> r.type().equals("bounce.sent")));
        await(() -> received.stream().filter(r -> r.type().equals("message.received")).count() == 2);
        assertThat(received).extracting(Received::type).contains("rule.fired", "message.received", "session.ended",
                "bounce.sent");
        long now = System.currentTimeMillis() / 1000;
        for (Received event : received) {
            assertThat(WebhookSignature.verify(SECRET, event.signature(), event.body(), now, 300)).isTrue();
            assertThat(WebhookSignature.verify("another secret of 16+", event.signature(), event.body(), now, 300))
                    .isFalse();
            assertThat(WebhookSignature.verify(SECRET, event.signature(), event.body(), now + 3600, 300))
                    .as("a replay an hour later").isFalse();
        }
        JsonNode message = json.readTree(received.stream().filter(r -> r.type().equals("message.received")).findFirst()
                .orElseThrow().body());
        assertThat(message.get("id").asText()).startsWith("evt_");
        assertThat(message.get("data").get("from").asText()).isEqualTo("app@example.test");
        assertThat(message.get("data").get("to").get(0).asText()).isEqualTo("bob@example.test");
        assertThat(message.get("data").get("subject").asText()).isEqualTo("hi");
        JsonNode bounce = json.readTree(received.stream().filter(r -> r.type().equals("bounce.sent")).findFirst()
                .orElseThrow().body());
        assertThat(bounce.get("data").get("action").asText()).isEqualTo("failed");
        assertThat(bounce.get("data").get("to").get(0).asText()).isEqualTo("app@example.test");
        assertThat(webhooks.endpoints().get(0).delivered()).isEqualTo(received.size());
    }

    @Test
    void a_refused_session_is_its_own_event() throws Exception {
        start(Scenario.builder().preset("reject-connection").build());
        List<Received> received = new CopyOnWriteArrayList<>();
        webhooks.add(receiver(received, () -> 200, new CountDownLatch(0)), SECRET);
        try (RawSmtp client = new RawSmtp(smtp.port())) {
            assertThat(client.reply()).startsWith("554");
        }
        await(() -> received.stream().anyMatch(r -> r.type().equals("session.refused")));
        JsonNode refused = json.readTree(received.stream().filter(r -> r.type().equals("session.refused")).findFirst()
                .orElseThrow().body());
        assertThat(refused.get("data").get("outcome").asText()).isEqualTo("rejected");
        assertThat(refused.get("data").get("client").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void a_slow_receiver_never_slows_smtp() throws Exception {
        start(Scenario.none());
        List<Received> received = new CopyOnWriteArrayList<>();
        CountDownLatch gate = new CountDownLatch(1);
        webhooks.add(receiver(received, () -> 200, gate), SECRET);
        // The receiver holds every request until the gate opens; SMTP finishes three messages meanwhile.
        for (int i = 0; i < 3; i++) {
            sendOne("bob" + i + "@example.test");
        }
        await(() -> smtp.sessions().size() == 3 && smtp.sessions().stream().allMatch(s -> s.ended().isPresent()));
        assertThat(received).hasSizeLessThanOrEqualTo(1); // the first event, still held
        gate.countDown();
        await(() -> webhooks.endpoints().get(0).delivered() == 6);
    }

    @Test
    void a_failing_receiver_is_retried_with_growing_waits_and_a_down_one_is_given_up_on() throws Exception {
        start(Scenario.none());
        List<Received> received = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        String flaky = receiver(received, () -> calls.incrementAndGet() <= 2 ? 500 : 200, new CountDownLatch(0));
        String down;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            down = "http://127.0.0.1:" + free.getLocalPort() + "/hook";
        }
        webhooks.add(flaky, SECRET);
        webhooks.add(down, SECRET);
        sendOne("bob@example.test");
        await(() -> webhooks.endpoints().stream().allMatch(e -> e.queued() == 0)
                && webhooks.endpoints().get(0).delivered() == 2 && webhooks.endpoints().get(1).failed() == 2);
        List<Webhooks.Delivery> flakyLog = webhooks.deliveries().stream().filter(d -> d.url().equals(flaky)
                && d.type().equals("message.received")).toList();
        assertThat(flakyLog).extracting(Webhooks.Delivery::attempt, Webhooks.Delivery::status,
                Webhooks.Delivery::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3, 200, "delivered"),
                org.assertj.core.groups.Tuple.tuple(2, 500, "retrying"),
                org.assertj.core.groups.Tuple.tuple(1, 500, "retrying"));
        assertThat(webhooks.deliveries()).filteredOn(d -> d.url().equals(down) && d.outcome().equals("failed"))
                .hasSize(2).allSatisfy(d -> {
                    assertThat(d.attempt()).isEqualTo(3);
                    assertThat(d.status()).isNull();
                    assertThat(d.error()).contains("ConnectException");
                });
        // Meanwhile SMTP went on as if nothing were wrong.
        assertThat(smtp.messages()).hasSize(1);
    }

    @Test
    void a_bad_url_or_a_short_secret_is_named_and_nothing_is_added() {
        webhooks = new Webhooks(QUICK, Clock.systemUTC());
        assertThatThrownBy(() -> webhooks.add("ftp://example.test/x", SECRET))
                .hasMessage("webhook ftp://example.test/x: give an http:// or https:// URL with a host");
        assertThatThrownBy(() -> webhooks.add("http://127.0.0.1:1/x", "short"))
                .hasMessage("webhook http://127.0.0.1:1/x: the signing secret must be at least 16 characters");
        assertThatThrownBy(() -> webhooks.add("http://exa mple/x", SECRET)).hasMessageStartingWith(
                "webhook http://exa mple/x: not a URL");
        assertThat(webhooks.endpoints()).isEmpty();
    }
}
