package dev.smtplab.server.web;

import dev.smtplab.server.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web API as an attacker meets it: requests are written byte for byte (a browser's Host,
 * Origin and Sec-Fetch-Site headers included), so what a hostile page could send is what is sent.
 */
class WebSecurityTest {
    private static final String RULE = "{\"id\":\"evil\",\"stage\":\"rcpt\",\"effect\":{\"reply\":\"550 5.1.1 no\"}}";

    private FakeSmtpServer smtp;
    private WebServer web;

    @AfterEach
    void stop() {
        if (web != null) {
            web.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    private void start(WebAccess access) {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, access).start();
    }

    private record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One HTTP/1.1 request; headers in order, Host among them (a null Host means this server's own). */
    private Response request(String method, String path, String body, String... headers) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), web.port())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            boolean hostGiven = false;
            for (int i = 0; i < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
                hostGiven |= headers[i].equalsIgnoreCase("Host");
            }
            if (!hostGiven) {
                request.append("Host: 127.0.0.1:").append(web.port()).append("\r\n");
            }
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                request.append("Content-Length: ").append(content.length).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            return parse(socket.getInputStream());
        }
    }

    private static Response parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) > 0) {
                all.write(buffer, 0, n);
                // The event stream never ends: its headers and a first event are enough.
                if (all.toString(StandardCharsets.ISO_8859_1).contains("text/event-stream")
                        && all.size() > 0 && all.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                    break;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            // what arrived is the answer
        }
        String text = all.toString(StandardCharsets.UTF_8);
        int headerEnd = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, headerEnd < 0 ? text.length() : headerEnd).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers,
                headerEnd < 0 ? "" : text.substring(headerEnd + 4));
    }

    private void sendOneMessage() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), smtp.port())) {
            socket.setSoTimeout(10_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            in.readLine();
            for (String line : List.of("HELO x", "MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>", "DATA",
                    "Subject: secret\r\n\r\nreset link\r\n.", "QUIT")) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                in.readLine();
            }
        }
        assertThat(smtp.messages()).isNotEmpty();
    }

    @Test
    void a_rebinding_host_name_can_read_nothing_and_is_told_how_to_allow_it() throws Exception {
        start(WebAccess.local());
        sendOneMessage();
        for (String path : List.of("/api/v1/messages", "/api/v1/messages/1/raw", "/", "/index.html", "/api/v1/events")) {
            Response response = request("GET", path, null, "Host", "evil.test:" + web.port());
            assertThat(response.status()).as(path).isEqualTo(403);
            assertThat(response.body()).as(path).doesNotContain("reset link").contains("--web-host evil.test");
        }
        for (String host : List.of("localhost:" + web.port(), "127.0.0.1:" + web.port(), "[::1]:" + web.port(),
                "LOCALHOST", "192.168.1.5:8025")) {
            assertThat(request("GET", "/api/v1/messages", null, "Host", host).status()).as(host).isEqualTo(200);
        }
    }

    @Test
    void a_name_given_with_web_host_is_answered() throws Exception {
        start(new WebAccess(List.of("smtplab"), List.of(), null, false));
        assertThat(request("GET", "/api/v1/messages", null, "Host", "smtplab:8025").status()).isEqualTo(200);
        assertThat(request("GET", "/api/v1/messages", null, "Host", "other:8025").status()).isEqualTo(403);
    }

    @Test
    void another_origin_cannot_change_state_by_any_route_and_nothing_changes() throws Exception {
        start(WebAccess.local());
        sendOneMessage();
        String evil = "http://evil.test";
        List<String[]> changes = List.of(
                new String[] {"POST", "/api/v1/failure-modes/rules", RULE},
                new String[] {"PUT", "/api/v1/failure-modes/presets/greylist", "{}"},
                new String[] {"DELETE", "/api/v1/failure-modes", null},
                new String[] {"DELETE", "/api/v1/failure-modes/presets/greylist", null},
                new String[] {"DELETE", "/api/v1/failure-modes/rules/x", null},
                new String[] {"DELETE", "/api/v1/messages/1", null},
                new String[] {"DELETE", "/api/v1/messages", null});
        for (String[] change : changes) {
            // The simple request a page can send without a preflight: text/plain, and its own Origin.
            Response simple = request(change[0], change[1], change[2], "Origin", evil, "Content-Type", "text/plain",
                    "Sec-Fetch-Site", "cross-site");
            assertThat(simple.status()).as(change[0] + " " + change[1]).isEqualTo(403);
            assertThat(simple.body()).contains("must come from its own web UI, not from http://evil.test")
                    .contains("--web-cors");
            // A form post or a fetch that sends no Origin still says where it came from.
            assertThat(request(change[0], change[1], change[2], "Sec-Fetch-Site", "cross-site").status())
                    .as("Sec-Fetch-Site cross-site: " + change[0] + " " + change[1]).isEqualTo(403);
            assertThat(request(change[0], change[1], change[2], "Origin", "null").status())
                    .as("Origin null: " + change[0] + " " + change[1]).isEqualTo(403);
        }
        assertThat(smtp.messages()).hasSize(1);
        assertThat(smtp.scenario().rules()).isEmpty();
        assertThat(smtp.scenario().presets()).isEmpty();
    }

    @Test
    void the_ui_s_own_origin_and_tools_without_an_origin_may_change_state_but_only_with_json() throws Exception {
        start(WebAccess.local());
        String own = "http://127.0.0.1:" + web.port();
        Response plain = request("POST", "/api/v1/failure-modes/rules", RULE, "Origin", own, "Content-Type", "text/plain");
        assertThat(plain.status()).isEqualTo(415);
        assertThat(plain.body()).contains("send the body as JSON, with Content-Type: application/json (got text/plain)");
        assertThat(request("POST", "/api/v1/failure-modes/rules", RULE, "Origin", own, "Content-Type",
                "application/json", "Sec-Fetch-Site", "same-origin").status()).isEqualTo(201);
        assertThat(request("DELETE", "/api/v1/failure-modes/rules/evil", null).status()).as("curl").isEqualTo(200);
        assertThat(request("DELETE", "/api/v1/messages", null, "Sec-Fetch-Site", "none").status())
                .as("typed in the address bar").isEqualTo(204);
    }

    @Test
    void an_origin_named_with_web_cors_gets_its_preflight_and_its_answers() throws Exception {
        start(new WebAccess(List.of(), List.of("http://localhost:3000"), null, false));
        Response preflight = request("OPTIONS", "/api/v1/failure-modes/rules", null, "Origin", "http://localhost:3000",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");
        assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Content-Type");
        Response added = request("POST", "/api/v1/failure-modes/rules", RULE, "Origin", "http://localhost:3000",
                "Content-Type", "application/json");
        assertThat(added.status()).isEqualTo(201);
        assertThat(added.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:3000");
        Response other = request("GET", "/api/v1/messages", null, "Origin", "http://evil.test");
        assertThat(other.header("Access-Control-Allow-Origin")).as("no CORS for others").isNull();
    }

    @Test
    void every_response_carries_the_protective_headers() throws Exception {
        start(WebAccess.local());
        Response page = request("GET", "/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        Response api = request("GET", "/api/v1/messages", null);
        assertThat(api.header("Cache-Control")).isEqualTo("no-store");
        assertThat(api.header("Referrer-Policy")).isEqualTo("no-referrer");
    }

    @Test
    void web_auth_covers_pages_events_and_downloads_but_not_healthz() throws Exception {
        start(WebAccess.withBasicAuth("admin:secret"));
        sendOneMessage();
        for (String path : List.of("/", "/index.html", "/app.js", "/api/v1/events", "/api/v1/messages/1/raw",
                "/api/v1/openapi.json", "/metrics")) {
            Response response = request("GET", path, null);
            assertThat(response.status()).as(path).isEqualTo(401);
            assertThat(response.body()).as(path).doesNotContain("reset link");
        }
        assertThat(request("GET", "/healthz", null).status()).isEqualTo(200);
        String right = "Basic " + Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8));
        String almost = "Basic " + Base64.getEncoder().encodeToString("admin:secreT".getBytes(StandardCharsets.UTF_8));
        assertThat(request("GET", "/api/v1/messages/1/raw", null, "Authorization", right).body()).contains("reset link");
        assertThat(request("GET", "/api/v1/messages/1/raw", null, "Authorization", almost).status()).isEqualTo(401);
    }

    @Test
    void metrics_open_serves_metrics_without_the_password_and_nothing_else() throws Exception {
        start(new WebAccess(List.of(), List.of(), "admin:secret", true));
        assertThat(request("GET", "/metrics", null).status()).isEqualTo(200);
        assertThat(request("GET", "/api/v1/messages", null).status()).isEqualTo(401);
    }
}
