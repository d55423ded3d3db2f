package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.RawSmtp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Paging and waiting while 16 sessions deliver at once: every message is seen exactly once. Ids are
 * given when a message's content ends, so two sessions can store theirs in the other order; cursors
 * follow the order of storing, and paging by id used to skip and repeat messages.
 */
class PagingUnderLoadTest {
    private static final int WRITERS = 16;
    private static final int EACH = 125;
    private static final int TOTAL = WRITERS * EACH;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private FakeSmtpServer smtp;
    private WebServer web;

    @AfterEach
    void stop() {
        threads.shutdownNow();
        if (web != null) {
            web.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void a_tail_of_waits_and_every_walk_of_pages_see_each_message_once() throws Exception {
        smtp = FakeSmtpServer.builder().maxMessages(TOTAL).maxSessions(100).build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        AtomicBoolean writing = new AtomicBoolean(true);

        Future<List<String>> tail = threads.submit(this::tailEveryMessage);
        Future<Integer> walks = threads.submit(() -> walkPagesWhile(writing));
        List<Future<?>> writers = new ArrayList<>();
        for (int writer = 0; writer < WRITERS; writer++) {
            int number = writer;
            writers.add(threads.submit(() -> {
                deliver(number);
                return null;
            }));
        }
        for (Future<?> writer : writers) {
            writer.get(120, TimeUnit.SECONDS);
        }
        writing.set(false);

        List<String> tailed = tail.get(60, TimeUnit.SECONDS);
        assertThat(tailed).hasSize(TOTAL).doesNotHaveDuplicates();
        assertThat(walks.get(60, TimeUnit.SECONDS)).as("walks made while writing").isPositive();
        List<String> finalWalk = walk();
        assertThat(finalWalk).hasSize(TOTAL).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tailed);
    }

    /** Waits for the next message after the last one seen, again and again, as a client tailing the inbox. */
    private List<String> tailEveryMessage() throws Exception {
        List<String> seen = new ArrayList<>();
        long cursor = 0;
        long ends = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (seen.size() < TOTAL && System.nanoTime() < ends) {
            JsonNode next = get("/api/v1/messages/wait?timeout=10&after=" + cursor);
            assertThat(next.get("cursor").asLong()).as("cursors grow").isGreaterThan(cursor);
            cursor = next.get("cursor").asLong();
            seen.add(next.get("id").asText());
        }
        return seen;
    }

    /** Walks newest to oldest, page by page, while sessions deliver; each walk must be free of repeats and gaps. */
    private int walkPagesWhile(AtomicBoolean writing) throws Exception {
        int walks = 0;
        while (writing.get() && walks < 200) {
            JsonNode first = get("/api/v1/messages?limit=1");
            if (first.get("messages").isEmpty()) {
                Thread.sleep(5);
                continue;
            }
            long top = first.get("messages").get(0).get("cursor").asLong();
            List<Long> cursors = new ArrayList<>();
            String before = Long.toString(top + 1);
            while (before != null) {
                JsonNode page = get("/api/v1/messages?limit=37&before=" + before);
                for (JsonNode message : page.get("messages")) {
                    cursors.add(message.get("cursor").asLong());
                }
                before = page.get("nextBefore").isNull() ? null : page.get("nextBefore").asText();
            }
            // Every message at or below the top was visible when the walk began: none may be missing.
            Set<Long> distinct = new HashSet<>(cursors);
            assertThat(distinct).as("walk %d", walks).hasSize(cursors.size());
            assertThat(cursors).as("walk %d from cursor %d", walks, top).hasSize((int) top);
            walks++;
        }
        return walks;
    }

    private List<String> walk() throws Exception {
        List<String> ids = new ArrayList<>();
        String before = null;
        do {
            JsonNode page = get("/api/v1/messages?limit=37" + (before == null ? "" : "&before=" + before));
            page.get("messages").forEach(message -> ids.add(message.get("id").asText()));
            before = page.get("nextBefore").isNull() ? null : page.get("nextBefore").asText();
        } while (before != null);
        return ids;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port()
                + path)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** One kept connection delivering its messages one after another; every reply a success. */
    private void deliver(int writer) throws Exception {
        try (RawSmtp client = new RawSmtp(smtp.port())) {
            client.replyTimeout(Duration.ofSeconds(30));
            client.reply();
            command(client, "EHLO writer" + writer + ".test");
            for (int i = 0; i < EACH; i++) {
                command(client, "MAIL FROM:<w" + writer + "@example.test>");
                command(client, "RCPT TO:<bob@example.test>");
                command(client, "DATA");
                command(client, "Subject: " + writer + "-" + i + "\r\n\r\nbody\r\n.");
            }
            command(client, "QUIT");
        }
    }

    /** The reply's last line (the EHLO reply has several) must be a success. */
    private static void command(RawSmtp smtp, String line) throws Exception {
        String reply = smtp.command(line);
        assertThat(reply.substring(reply.lastIndexOf('\n') + 1)).as(line).matches("[23]\\d\\d .*");
    }
}
