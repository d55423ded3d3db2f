package dev.smtplab.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two packaged SMTP Lab servers sharing one PostgreSQL (a private cluster the test starts on a
 * loopback port), as behind a TCP load balancer: mail sent through one is read and waited for
 * through the other, failure modes changed on one apply on both, greylisting is shared, and one
 * killed mid-load loses nothing that got a 250.
 */
@Timeout(240)
class SharedStoreIT {
    private static final Pattern LISTENING = Pattern.compile("SMTP Lab listening on smtp://127\\.0\\.0\\.1:(\\d+) .*");
    private static final Pattern WEB = Pattern.compile("web UI and API on http://127\\.0\\.0\\.1:(\\d+).*");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PostgresCluster postgres;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Server> servers = new ArrayList<>();

    @TempDir
    Path data;

    private record Server(Process process, int smtpPort, int webPort, List<String> output) {
    }

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresCluster.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyDatabase() throws Exception {
        postgres.emptyDatabase();
    }

    @AfterEach
    void stopServers() throws Exception {
        for (Server server : servers) {
            server.process().destroyForcibly();
            server.process().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Server start() throws Exception {
        Process process = new ProcessBuilder(Peers.java(), "-jar", Peers.serverJar().toString(), "--smtp-port", "0",
                "--web-port", "0", "--no-tls", "--data-dir", data.toString(), "--store", postgres.url(),
                "--max-messages", "100000").redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        String first = String.valueOf(output.readLine());
        Matcher smtp = LISTENING.matcher(first);
        assertThat(smtp.matches()).as("first line of the server: " + first).isTrue();
        Matcher web = WEB.matcher(String.valueOf(output.readLine()));
        assertThat(web.matches()).isTrue();
        lines.add(output.readLine());
        Thread drain = new Thread(() -> {
            try {
                String line;
                while ((line = output.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        Server server = new Server(process, Integer.parseInt(smtp.group(1)), Integer.parseInt(web.group(1)), lines);
        servers.add(server);
        return server;
    }

    private HttpResponse<String> call(Server server, String method, String path) throws Exception {
        return call(server, method, path, null);
    }

    private HttpResponse<String> call(Server server, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(30));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void mail_sent_through_one_is_waited_for_and_read_through_the_other() throws Exception {
        Server first = start();
        Server second = start();
        assertThat(first.output().get(0)).isEqualTo("messages kept in " + postgres.url()
                + " (0 stored, shared with every SMTP Lab that uses it)");

        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return call(second, "GET", "/api/v1/messages/wait?to=bob@example.test&timeout=20");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        long sent = System.nanoTime();
        assertThat(ServerLoad.send(first.smtpPort(), "through the first")).startsWith("250 2.0.0 Ok: queued as ");

        HttpResponse<String> woke = waiting.get(20, TimeUnit.SECONDS);
        assertThat(woke.statusCode()).as(woke.body()).isEqualTo(200);
        assertThat(JSON.readTree(woke.body()).get("subject").asText()).isEqualTo("through the first");
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("woken by NOTIFY").isLessThan(Duration.ofSeconds(2));
        assertThat(ServerLoad.send(second.smtpPort(), "through the second")).startsWith("250");

        Map<String, String> onFirst = ServerLoad.everyMessage(first.webPort());
        assertThat(onFirst.values()).containsExactlyInAnyOrder("through the first", "through the second");
        assertThat(ServerLoad.everyMessage(second.webPort())).isEqualTo(onFirst);
    }

    @Test
    void failure_modes_changed_through_one_apply_on_both_within_a_second_and_greylisting_is_shared()
            throws Exception {
        Server first = start();
        Server second = start();

        assertThat(call(first, "PUT", "/api/v1/failure-modes/presets/unknown-recipient").statusCode()).isEqualTo(200);
        long changed = System.nanoTime();
        String reply = "";
        while (!reply.startsWith("550") && System.nanoTime() - changed < 5_000_000_000L) {
            reply = rcpt(second.smtpPort(), "bob@example.test");
        }
        assertThat(reply).startsWith("550 5.1.1");
        assertThat(Duration.ofNanos(System.nanoTime() - changed)).isLessThan(Duration.ofSeconds(1));
        JsonNode onSecond = JSON.readTree(call(second, "GET", "/api/v1/failure-modes").body());
        assertThat(onSecond.get("rules").get(0).get("id").asText()).startsWith("unknown-recipient");

        assertThat(call(second, "PUT", "/api/v1/failure-modes/presets/greylist", "{\"parameters\": \"retry-after=2s\"}")
                .statusCode()).isEqualTo(200);
        assertThat(call(second, "DELETE", "/api/v1/failure-modes/presets/unknown-recipient").statusCode())
                .isEqualTo(200);
        Thread.sleep(1_000);
        assertThat(rcpt(first.smtpPort(), "carol@example.test")).as("a first attempt, on the first")
                .startsWith("451 4.7.1");
        Thread.sleep(2_500);
        assertThat(rcpt(second.smtpPort(), "carol@example.test")).as("the retry, on the second, which never saw "
                + "the first attempt").startsWith("250");
        assertThat(rcpt(second.smtpPort(), "dave@example.test")).as("another recipient is a first attempt")
                .startsWith("451 4.7.1");
    }

    @Test
    void one_instance_killed_mid_load_loses_nothing_that_got_a_250() throws Exception {
        Server doomed = start();
        Server survivor = start();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> running = new ArrayList<>();
        for (int client = 0; client < 8; client++) {
            Server target = client < 6 ? doomed : survivor;
            String name = "c" + client;
            // The survivor's clients stop by themselves; the doomed one's are cut by its death.
            running.add(clients.submit(() -> ServerLoad.sendUntilCut(target.smtpPort(), name, acknowledged, 300)));
        }
        long ends = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (acknowledged.size() < 400 && System.nanoTime() < ends) {
            Thread.sleep(10);
        }
        doomed.process().destroyForcibly();   // SIGKILL mid-load
        assertThat(doomed.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (Future<?> client : running) {
            client.get(60, TimeUnit.SECONDS);
        }
        clients.shutdownNow();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(400);

        Map<String, String> stored = ServerLoad.everyMessage(survivor.webPort());
        assertThat(stored).containsAllEntriesOf(acknowledged);
        Set<String> subjects = ConcurrentHashMap.newKeySet();
        for (String subject : stored.values()) {
            assertThat(subjects.add(subject)).as("stored once: %s", subject).isTrue();
        }
    }

    /** HELO, MAIL, RCPT: the reply to RCPT. */
    private static String rcpt(int port, String recipient) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            ServerLoad.reply(in);
            ServerLoad.command(in, out, "HELO client.test");
            ServerLoad.command(in, out, "MAIL FROM:<app@example.test>");
            return ServerLoad.command(in, out, "RCPT TO:<" + recipient + ">");
        }
    }
}
