package dev.smtplab.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Kept connections that send until their server dies, and reading back every message through the API. */
final class ServerLoad {
    static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as (\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerLoad() {
    }

    /** One kept connection sending until the server dies; records each 250 with its id. */
    static void sendUntilCut(int port, String client, Map<String, String> acknowledged) {
        sendUntilCut(port, client, acknowledged, 100_000);
    }

    /** As {@link #sendUntilCut(int, String, Map)}, stopping after {@code messages} if the server lives. */
    static void sendUntilCut(int port, String client, Map<String, String> acknowledged, int messages) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            reply(in);
            command(in, out, "EHLO load" + client + ".test");
            for (int i = 0; i < messages; i++) {
                String subject = client + "-" + i;
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

    static String send(int port, String subject) throws Exception {
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

    static String command(BufferedReader in, OutputStream out, String line) throws Exception {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = reply(in);
        if (reply == null) {
            throw new java.io.EOFException("the server closed the connection");
        }
        return reply;
    }

    static String reply(BufferedReader in) throws Exception {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    /** Every stored message through the API, id to subject, paging by cursor. */
    static Map<String, String> everyMessage(int webPort) throws Exception {
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
