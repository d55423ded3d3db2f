package dev.smtplab.server.web;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.RawSmtp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Long polls hold no thread: a thousand open waits leave the UI, the API and /healthz answering. */
class MessageWaitsTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Socket> waits = new ArrayList<>();
    private FakeSmtpServer smtp;
    private WebServer web;

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : waits) {
            socket.close();
        }
        if (web != null) {
            web.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    /** Opens a wait from the given loopback address, as a separate host would. */
    private Socket openWait(String from, String query) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), web.port()), 5_000);
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/v1/messages/wait?timeout=120" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        waits.add(socket);
        return socket;
    }

    private static String response(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_thousand_open_waits_leave_the_server_answering_and_all_get_their_message() throws Exception {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        for (int host = 2; host <= 11; host++) {
            for (int i = 0; i < MessageWaits.MAX_PER_CLIENT; i++) {
                openWait("127.0.0." + host, "&to=bob");
            }
        }
        awaitOpenWaits(1000);

        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/messages").statusCode()).isEqualTo(200);
        assertThat(get("/").statusCode()).isEqualTo(200);
        Socket oneTooMany = openWait("127.0.0.2", "");
        assertThat(response(oneTooMany)).startsWith("HTTP/1.1 429").contains("127.0.0.2 has 100 waits open already");

        sendTo("bob@example.test", "hi");
        for (Socket wait : waits.subList(0, 1000)) {
            assertThat(response(wait)).startsWith("HTTP/1.1 200").contains("\"subject\":\"hi\"");
        }
        assertThat(webWaitsOpen()).as("answered waits are let go").isZero();
    }

    @Test
    void a_wait_ends_when_its_client_closes_the_connection_not_at_its_timeout() throws Exception {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        List<Socket> leaving = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            leaving.add(openWait("127.0.0.2", "&to=nobody"));
        }
        Socket staying = openWait("127.0.0.3", "&to=bob");
        awaitOpenWaits(51);

        for (Socket socket : leaving) {
            socket.close();
        }
        // The waits' timeout is 120 s; the sweep runs every second.
        awaitOpenWaits(1);
        assertThat(webWaitsOpen()).as("only the wait whose client stayed").isEqualTo(1);

        sendTo("bob@example.test", "still here");
        assertThat(response(staying)).startsWith("HTTP/1.1 200").contains("\"subject\":\"still here\"");
    }

    @Test
    void a_request_pipelined_in_the_same_packet_as_a_wait_is_answered_after_it() throws Exception {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        Socket socket = rawConnection();
        send(socket, WAIT_FOR_BOB + HEALTHZ);
        awaitOpenWaits(1);
        Thread.sleep(2 * MessageWaits.SWEEP_INTERVAL.toMillis());
        assertThat(webWaitsOpen()).as("the wait is still open after two sweeps").isEqualTo(1);

        sendTo("bob@example.test", "pipelined");
        socket.shutdownOutput();
        assertThat(response(socket)).startsWith("HTTP/1.1 200").contains("\"subject\":\"pipelined\"")
                .contains("\"status\":\"ok\"");
    }

    @Test
    void a_request_sent_while_a_wait_is_open_is_not_taken_as_a_close_and_the_answer_says_connection_close()
            throws Exception {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        Socket socket = rawConnection();
        send(socket, WAIT_FOR_BOB);
        awaitOpenWaits(1);
        send(socket, HEALTHZ);
        Thread.sleep(2 * MessageWaits.SWEEP_INTERVAL.toMillis());
        assertThat(webWaitsOpen()).as("the wait is still open after two sweeps").isEqualTo(1);

        sendTo("bob@example.test", "pipelined later");
        // The bytes of the second request were read to look for the close; RFC 9112, 9.3.2 has the
        // client send it again on a new connection, which Connection: close tells it to do.
        assertThat(response(socket)).startsWith("HTTP/1.1 200").containsIgnoringCase("Connection: close")
                .contains("\"subject\":\"pipelined later\"").doesNotContain("\"status\":\"ok\"");
    }

    private static final String WAIT_FOR_BOB = "GET /api/v1/messages/wait?timeout=60&to=bob HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n\r\n";
    private static final String HEALTHZ = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

    private Socket rawConnection() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), web.port());
        waits.add(socket);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private void awaitOpenWaits(int expected) throws InterruptedException {
        long ends = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < ends && webWaitsOpen() != expected) {
            Thread.sleep(20);
        }
        assertThat(webWaitsOpen()).isEqualTo(expected);
    }

    private int webWaitsOpen() {
        return web.openWaits();
    }

    private void sendTo(String recipient, String subject) throws IOException {
        try (RawSmtp client = new RawSmtp(smtp.port())) {
            client.reply();
            for (String line : List.of("HELO x", "MAIL FROM:<alice@example.test>", "RCPT TO:<" + recipient + ">", "DATA",
                    "Subject: " + subject + "\r\n\r\nbody\r\n.", "QUIT")) {
                assertThat(client.command(line)).as(line).matches("[23]\\d\\d .*");
            }
        }
    }
}
