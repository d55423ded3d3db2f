package dev.smtplab.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQLite store's promise, tested the hard way: the packaged server is killed with SIGKILL in the
 * middle of a load run, started again on the same file, and every message that got a 250 is there,
 * none twice.
 */
@Timeout(180)
class StoreCrashIT {
    private static final Pattern LISTENING = Pattern.compile("SMTP Lab listening on smtp://127\\.0\\.0\\.1:(\\d+) .*");
    private static final Pattern WEB = Pattern.compile("web UI and API on http://127\\.0\\.0\\.1:(\\d+).*");
    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as (\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    /** A running server: its process and ports. */
    private record Server(Process process, int smtpPort, int webPort) {
    }

    private Server start() throws Exception {
        Process process = new ProcessBuilder(Peers.java(), "-jar", Peers.serverJar().toString(), "--smtp-port", "0",
                "--web-port", "0", "--no-tls", "--data-dir", data.toString(), "--store", "sqlite",
                "--max-messages", "100000").redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Matcher smtp = LISTENING.matcher(String.valueOf(output.readLine()));
        assertThat(smtp.matches()).as("first line of the server").isTrue();
        Matcher web = WEB.matcher(String.valueOf(output.readLine()));
        assertThat(web.matches()).isTrue();
        Thread drain = new Thread(() -> {
            try {
                output.transferTo(java.io.Writer.nullWriter());
            } catch (java.io.IOException ignored) {
                // the process was killed
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new Server(process, Integer.parseInt(smtp.group(1)), Integer.parseInt(web.group(1)));
    }

    @Test
    void every_message_that_got_a_250_is_there_after_sigkill_and_restart_and_none_twice() throws Exception {
        Server server = start();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();   // queued-as id -> subject
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> running = new ArrayList<>();
        for (int client = 0; client < 8; client++) {
            int number = client;
            running.add(clients.submit(() -> sendUntilCut(server.smtpPort(), number, acknowledged)));
        }
        long ends = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (acknowledged.size() < 400 && System.nanoTime() < ends) {
            Thread.sleep(10);
        }
        server.process().destroyForcibly();   // SIGKILL: no shutdown hook, no close
        assertThat(server.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (Future<?> client : running) {
            client.get(30, TimeUnit.SECONDS);
        }
        clients.shutdownNow();
        assertThat(acknowledged).as("messages acknowledged before the kill").hasSizeGreaterThanOrEqualTo(400);

        Server restarted = start();
        try {
            Map<String, String> stored = everyMessage(restarted.webPort());
            assertThat(stored).containsAllEntriesOf(acknowledged);
            Set<String> subjects = ConcurrentHashMap.newKeySet();
            for (String subject : stored.values()) {
                assertThat(subjects.add(subject)).as("stored once: %s", subject).isTrue();
            }
            assertThat(send(restarted.smtpPort(), "after-restart")).as("ids continue after the stored ones")
                    .matches(reply -> {
                        Matcher queued = QUEUED.matcher(reply);
                        return queued.matches() && !stored.containsKey(queued.group(1));
                    });
        } finally {
            restarted.process().destroyForcibly();
            restarted.process().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** One kept connection sending until the server dies; records each 250 with its id. */
    private static void sendUntilCut(int port, int client, Map<String, String> acknowledged) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            reply(in);
            command(in, out, "EHLO load" + client + ".test");
            for (int i = 0; i < 100_000; i++) {
                String subject = "c" + client + "-" + i;
                command(in, out, "MAIL FROM:<load@example.test>");
                command(in, out, "RCPT TO:<bob@example.test>");
                command(in, out, "DATA");
                Matcher queued = QUEUED.matcher(command(in, out, "Subject: " + subject + "\r\n\r\n" + "x".repeat(2000)
                        + "\r\n."));
                if (queued.matches()) {
                    acknowledged.put(queued.group(1), subject);
                }
            }
        } catch (Exception cut) {
            // The server was killed: what was acknowledged so far is what counts.
        }
    }

    private static String send(int port, String subject) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            reply(in);
            command(in, out, "EHLO after.test");
            command(in, out, "MAIL FROM:<load@example.test>");
            command(in, out, "RCPT TO:<bob@example.test>");
            command(in, out, "DATA");
            return command(in, out, "Subject: " + subject + "\r\n\r\nx\r\n.");
        }
    }

    private static String command(BufferedReader in, OutputStream out, String line) throws Exception {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = reply(in);
        if (reply == null) {
            throw new java.io.EOFException("the server closed the connection");
        }
        return reply;
    }

    private static String reply(BufferedReader in) throws Exception {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    /** Every stored message through the API, id to subject, paging by cursor. */
    private static Map<String, String> everyMessage(int webPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, String> messages = new HashMap<>();
        String before = null;
        do {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort
                    + "/api/v1/messages?limit=500" + (before == null ? "" : "&before=" + before)))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(response.body());
            for (JsonNode message : page.get("messages")) {
                assertThat(messages.put(message.get("id").asText(), message.get("subject").asText()))
                        .as("id %s listed once", message.get("id").asText()).isNull();
            }
            before = page.get("nextBefore").isNull() ? null : page.get("nextBefore").asText();
        } while (before != null);
        return messages;
    }
}
