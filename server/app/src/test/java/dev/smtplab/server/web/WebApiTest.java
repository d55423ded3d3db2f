package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every route of the REST API, errors included, against a real server on free ports. */
class WebApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeSmtpServer smtp;
    private WebServer web;

    @BeforeEach
    void start() {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
    }

    @AfterEach
    void stop() {
        web.stop();
        smtp.stop();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
                .timeout(Duration.ofSeconds(20));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = call("GET", path, null);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void assertError(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(message);
    }

    private MimeMessage send(String subject, String html, boolean attachment) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", "127.0.0.1");
        properties.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress("alice@example.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
        message.setSubject(subject);
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("text of " + subject, "UTF-8");
        alternative.addBodyPart(text);
        MimeBodyPart htmlPart = new MimeBodyPart();
        htmlPart.setContent(html, "text/html; charset=UTF-8");
        alternative.addBodyPart(htmlPart);
        if (attachment) {
            MimeMultipart mixed = new MimeMultipart("mixed");
            MimeBodyPart body = new MimeBodyPart();
            body.setContent(alternative);
            mixed.addBodyPart(body);
            MimeBodyPart file = new MimeBodyPart();
            file.setContent(new byte[] {0, 1, 2, (byte) 255}, "application/octet-stream");
            file.setFileName("data.bin");
            mixed.addBodyPart(file);
            message.setContent(mixed);
        } else {
            message.setContent(alternative);
        }
        message.saveChanges();
        try (Transport transport = message.getSession().getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getAllRecipients());
        }
        return message;
    }

    @Test
    void links_and_codes_are_served_for_tests_in_any_language() throws Exception {
        send("Confirm", "<p>Your code is <b>482913</b>.</p><a href=\"https://shop.test/confirm?t=ab&amp;u=42\">Confirm</a>"
                + "<p>Ref: ZX-77-QP</p>", false);
        String id = get("/api/v1/messages").get("messages").get(0).get("id").asText();

        assertThat(get("/api/v1/messages/" + id + "/links").get("links").toString())
                .isEqualTo("[\"https://shop.test/confirm?t=ab&u=42\"]");
        assertThat(get("/api/v1/messages/" + id + "/codes").get("codes").toString()).isEqualTo("[\"482913\"]");
        assertThat(get("/api/v1/messages/" + id + "/codes?pattern=" + java.net.URLEncoder.encode("Ref: ([A-Z0-9-]+)",
                StandardCharsets.UTF_8)).get("codes").toString()).isEqualTo("[\"ZX-77-QP\"]");

        assertError(call("GET", "/api/v1/messages/" + id + "/codes?pattern=" + java.net.URLEncoder.encode("(\\d)\\1",
                StandardCharsets.UTF_8), null), 400, "pattern is not a regular expression RE2 accepts: invalid escape "
                + "sequence (backreferences and lookaround are not supported)");
        assertError(call("GET", "/api/v1/messages/999/links", null), 404, "message 999 not found");
    }

    @Test
    void a_link_is_checked_on_request_and_links_to_this_machine_are_flagged() throws Exception {
        com.sun.net.httpserver.HttpServer site = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        site.createContext("/ok", exchange -> {
            exchange.sendResponseHeaders(exchange.getRequestMethod().equals("HEAD") ? 200 : 500, -1);
            exchange.close();
        });
        site.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().set("Location", "https://elsewhere.test/new");
            exchange.sendResponseHeaders(301, -1);
            exchange.close();
        });
        site.start();
        try {
            String base = "http://127.0.0.1:" + site.getAddress().getPort();
            send("Links", "<a href=\"" + base + "/ok\">ok</a> <a href=\"" + base + "/gone\">gone</a> <a href=\""
                    + base + "/moved\">moved</a> <a href=\"https://shop.test/confirm\">shop</a>", false);
            String id = get("/api/v1/messages").get("messages").get(0).get("id").asText();
            JsonNode links = get("/api/v1/messages/" + id + "/links");
            assertThat(links.get("links")).hasSize(4);
            assertThat(links.get("local").toString()).isEqualTo("[\"" + base + "/ok\",\"" + base + "/gone\",\"" + base
                    + "/moved\"]");

            JsonNode ok = JSON.readTree(call("POST", "/api/v1/messages/" + id + "/links/check",
                    "{\"url\": \"" + base + "/ok\"}").body());
            assertThat(ok.get("status").asInt()).as("HEAD, not GET").isEqualTo(200);
            assertThat(ok.get("local").asBoolean()).isTrue();
            assertThat(JSON.readTree(call("POST", "/api/v1/messages/" + id + "/links/check",
                    "{\"url\": \"" + base + "/gone\"}").body()).get("status").asInt()).isEqualTo(404);
            JsonNode moved = JSON.readTree(call("POST", "/api/v1/messages/" + id + "/links/check",
                    "{\"url\": \"" + base + "/moved\"}").body());
            assertThat(moved.get("status").asInt()).as("the redirect is the answer, not followed").isEqualTo(301);
            assertThat(moved.get("location").asText()).isEqualTo("https://elsewhere.test/new");

            assertError(call("POST", "/api/v1/messages/" + id + "/links/check", "{\"url\": \"" + base + "/other\"}"), 400,
                    "\"" + base + "/other\" is not a link of message " + id + "; only a message's own links are checked");
            assertError(call("POST", "/api/v1/messages/" + id + "/links/check", "{\"url\": \"ftp://x.test/f\"}"), 400,
                    "\"ftp://x.test/f\" is not an http or https link; only those are checked");
            assertError(call("POST", "/api/v1/messages/" + id + "/links/check", "not json"), 400,
                    "the body is not JSON: send {\"url\": \"https://...\"}");
            assertError(call("POST", "/api/v1/messages/" + id + "/links/check", "{}"), 400,
                    "say which link: {\"url\": \"https://...\"}");
            assertError(call("POST", "/api/v1/messages/999/links/check", "{\"url\": \"" + base + "/ok\"}"), 404,
                    "message 999 not found");
        } finally {
            site.stop(0);
        }
    }

    @Test
    void messages_list_pages_newest_first_and_filters() throws Exception {
        for (int i = 1; i <= 5; i++) {
            send("number " + i, "<p>" + i + "</p>", false);
        }
        JsonNode page = get("/api/v1/messages?limit=2");
        assertThat(page.get("total").asInt()).isEqualTo(5);
        assertThat(page.get("messages")).extracting(m -> m.get("subject").asText()).containsExactly("number 5", "number 4");
        String next = page.get("nextBefore").asText();
        JsonNode second = get("/api/v1/messages?limit=2&before=" + next);
        assertThat(second.get("messages")).extracting(m -> m.get("subject").asText()).containsExactly("number 3", "number 2");
        assertThat(get("/api/v1/messages?subject=NUMBER%203").get("total").asInt()).isEqualTo(1);
        assertThat(get("/api/v1/messages?to=bob@").get("total").asInt()).isEqualTo(5);
        assertThat(get("/api/v1/messages?from=nobody").get("total").asInt()).isZero();
        assertThat(get("/api/v1/messages?q=text%20of%20number%204").get("total").asInt()).isEqualTo(1);
        assertError(call("GET", "/api/v1/messages?limit=0", null), 400,
                "query parameter limit=\"0\": use a whole number from 1 to 500");
        assertError(call("GET", "/api/v1/messages?before=abc", null), 400,
                "query parameter before=\"abc\": use a message's cursor (a whole number, from a list's cursor or nextBefore)");
    }

    @Test
    void messages_are_filtered_by_a_time_range() throws Exception {
        send("early", "<p>1</p>", false);
        java.time.Instant between = smtp.messages().get(0).receivedAt().plusMillis(1);
        Thread.sleep(20);
        send("late", "<p>2</p>", false);

        assertThat(get("/api/v1/messages?since=" + between).get("messages")).extracting(m -> m.get("subject").asText())
                .containsExactly("late");
        assertThat(get("/api/v1/messages?until=" + between).get("messages")).extracting(m -> m.get("subject").asText())
                .containsExactly("early");
        assertThat(get("/api/v1/messages?since=2026-01-01T09:00:00%2B09:00").get("total").asInt()).isEqualTo(2);
        assertError(call("GET", "/api/v1/messages?since=yesterday", null), 400,
                "query parameter since=\"yesterday\": use a time such as 2026-12-05T10:00:00Z");
        assertError(call("GET", "/api/v1/messages?since=" + between + "&until=" + between, null), 400,
                "since (" + between + ") must be before until (" + between + ")");
    }

    @Test
    void one_message_has_envelope_headers_bodies_and_attachments() throws Exception {
        send("detailed", "<b>bold</b>", true);
        JsonNode message = get("/api/v1/messages/1");
        assertThat(message.get("mailFrom").asText()).isEqualTo("alice@example.test");
        assertThat(message.get("recipients").get(0).get("reply").asText()).isEqualTo("250 2.1.5 Ok");
        assertThat(message.get("subject").asText()).isEqualTo("detailed");
        assertThat(message.get("text").asText()).isEqualTo("text of detailed");
        assertThat(message.get("html").asText()).isEqualTo("<b>bold</b>");
        assertThat(message.get("attachments").get(0).get("filename").asText()).isEqualTo("data.bin");
        assertThat(message.get("links").get("session").asText()).isEqualTo("/api/v1/sessions/1");
        HttpResponse<byte[]> attachment = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + web.port() + "/api/v1/messages/1/attachments/0")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(attachment.body()).containsExactly(0, 1, 2, 255);
        assertThat(attachment.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"data.bin\"");
        assertError(call("GET", "/api/v1/messages/1/attachments/0?inline=true", null), 400, "attachment 0 is "
                + "application/octet-stream: only images (PNG, JPEG, GIF, WebP) and PDFs are shown inline; download it "
                + "instead (without inline=true)");
        assertError(call("GET", "/api/v1/messages/1/attachments/7", null), 404, "attachment 7 of message 1 not found");
        assertError(call("GET", "/api/v1/messages/1/attachments/x", null), 400,
                "path parameter index=\"x\": use a number");
        assertError(call("GET", "/api/v1/messages/42", null), 404, "message 42 not found");
    }

    @Test
    void raw_download_is_byte_identical_to_what_the_client_sent() throws Exception {
        MimeMessage sent = send("raw", "<i>raw</i>", true);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        sent.writeTo(expected);
        HttpResponse<byte[]> raw = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + web.port() + "/api/v1/messages/1/raw")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("message/rfc822"));
        assertThat(raw.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"message-1.eml\"");
        assertThat(raw.body()).isEqualTo(expected.toByteArray());
    }

    @Test
    void html_view_forbids_scripts_and_remote_content_unless_asked() throws Exception {
        send("html", "<script>alert(1)</script><img src=\"http://remote.example/x.png\">", false);
        HttpResponse<String> html = call("GET", "/api/v1/messages/1/html", null);
        assertThat(html.body()).contains("<script>alert(1)</script>");
        String csp = html.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).startsWith("sandbox;").contains("default-src 'none'").doesNotContain("script-src").doesNotContain("http:");
        String remote = call("GET", "/api/v1/messages/1/html?remote=true", null).headers()
                .firstValue("Content-Security-Policy").orElseThrow();
        assertThat(remote).startsWith("sandbox;").contains("img-src data: cid: http: https:").doesNotContain("script-src");
        assertThat(call("GET", "/", null).headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(v -> assertThat(v).contains("script-src 'self'").doesNotContain("unsafe"));
    }

    @Test
    void message_without_html_says_so() throws Exception {
        smtp.store().addMessage(new dev.smtplab.server.record.RecordedMessage("77", "1", 1, 1, java.time.Instant.EPOCH,
                "127.0.0.1", 1, null, "a@x.test", java.util.Map.of(), List.of(),
                "Subject: plain\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8)));
        assertError(call("GET", "/api/v1/messages/77/html", null), 404, "message 77 has no HTML body; it not found");
    }

    @Test
    void delete_one_and_all() throws Exception {
        send("a", "<p>a</p>", false);
        send("b", "<p>b</p>", false);
        assertThat(call("DELETE", "/api/v1/messages/1", null).statusCode()).isEqualTo(204);
        assertError(call("DELETE", "/api/v1/messages/1", null), 404, "message 1 not found");
        assertThat(call("DELETE", "/api/v1/messages", null).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/messages").get("total").asInt()).isZero();
    }

    @Test
    void messages_are_marked_read_and_unread_one_by_one_in_a_list_and_by_the_list_s_filters() throws Exception {
        send("first", "<p>1</p>", false);
        send("second", "<p>2</p>", false);
        send("third", "<p>3</p>", false);

        JsonNode page = get("/api/v1/messages");
        assertThat(page.get("unread").asInt()).isEqualTo(3);
        assertThat(page.get("messages").get(0).get("read").asBoolean()).isFalse();
        assertThat(get("/api/v1/messages/1").get("read").asBoolean()).isFalse();

        // One: opening a message in the web UI does this.
        assertThat(call("PATCH", "/api/v1/messages/1", "{\"read\": true}").statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/messages/1").get("read").asBoolean()).isTrue();
        page = get("/api/v1/messages");
        assertThat(page.get("unread").asInt()).isEqualTo(2);
        assertThat(page.get("messages").get(2).get("read").asBoolean()).isTrue();
        assertThat(subjects(get("/api/v1/messages?read=false"))).containsExactly("third", "second");
        assertThat(subjects(get("/api/v1/messages?read=true"))).containsExactly("first");
        assertThat(get("/api/v1/messages?read=false&q=second").get("total").asInt()).isEqualTo(1);

        // A list, such as the ticked rows: only those that changed are counted.
        assertThat(JSON.readTree(call("PATCH", "/api/v1/messages", "{\"read\": true, \"ids\": [\"1\", \"2\"]}")
                .body()).get("changed").asInt()).isEqualTo(1);
        // By the list's filters: everything, here.
        assertThat(JSON.readTree(call("PATCH", "/api/v1/messages", "{\"read\": true}").body()).get("changed").asInt())
                .isEqualTo(1);
        assertThat(get("/api/v1/messages").get("unread").asInt()).isZero();
        assertThat(JSON.readTree(call("PATCH", "/api/v1/messages?q=third", "{\"read\": false}").body())
                .get("changed").asInt()).isEqualTo(1);
        assertThat(subjects(get("/api/v1/messages?read=false"))).containsExactly("third");
    }

    @Test
    void bad_read_marks_are_refused_by_name_and_change_nothing() throws Exception {
        send("first", "<p>1</p>", false);
        send("second", "<p>2</p>", false);

        assertError(call("PATCH", "/api/v1/messages/1", "{}"), 400, "say \"read\": true or \"read\": false");
        assertError(call("PATCH", "/api/v1/messages/1", "{\"read\": \"yes\"}"), 400,
                "say \"read\": true or \"read\": false (got \"yes\")");
        assertError(call("PATCH", "/api/v1/messages/1", "[true]"), 400, "the body must be a JSON object");
        assertError(call("PATCH", "/api/v1/messages/1", "{\"read\": tru"), 400,
                "the body is not valid JSON: Unrecognized token 'tru': was expecting (JSON String, Number, Array, "
                        + "Object or token 'null', 'true' or 'false')");
        assertError(call("PATCH", "/api/v1/messages/99", "{\"read\": true}"), 404, "message 99 not found");
        assertError(call("PATCH", "/api/v1/messages", "{\"read\": true, \"ids\": \"1\"}"), 400,
                "\"ids\" must be a list of at most 1000 message ids");
        assertError(call("PATCH", "/api/v1/messages", "{\"read\": true, \"ids\": [1]}"), 400,
                "\"ids\" must hold message ids as strings, not 1");
        // One unknown id in a list: none of the others is marked either.
        assertError(call("PATCH", "/api/v1/messages", "{\"read\": true, \"ids\": [\"1\", \"99\"]}"), 404,
                "message 99 not found");
        assertError(call("GET", "/api/v1/messages?read=yes", null), 400,
                "query parameter read=\"yes\": use true or false");
        assertError(call("PATCH", "/api/v1/messages?read=yes", "{\"read\": true}"), 400,
                "query parameter read=\"yes\": use true or false");
        assertThat(get("/api/v1/messages").get("unread").asInt()).isEqualTo(2);
    }

    /** A PDF whose pages are each filled with one colour, of the size given in points. */
    private static byte[] pdf(float width, float height, java.awt.Color... pages) throws Exception {
        try (var document = new org.apache.pdfbox.pdmodel.PDDocument()) {
            for (java.awt.Color colour : pages) {
                var page = new org.apache.pdfbox.pdmodel.PDPage(new org.apache.pdfbox.pdmodel.common.PDRectangle(width, height));
                document.addPage(page);
                try (var content = new org.apache.pdfbox.pdmodel.PDPageContentStream(document, page)) {
                    content.setNonStrokingColor(colour);
                    content.addRect(0, 0, width, height);
                    content.fill();
                }
            }
            var bytes = new java.io.ByteArrayOutputStream();
            document.save(bytes);
            return bytes.toByteArray();
        }
    }

    /** A message with these attachments, each (file name, type, bytes), base64 in a multipart/mixed. */
    private String withAttachments(Object[]... attachments) {
        StringBuilder mime = new StringBuilder("Subject: papers\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nSee "
                + "attached.\r\n");
        for (Object[] attachment : attachments) {
            mime.append("--b1\r\nContent-Type: ").append(attachment[1]).append("\r\nContent-Disposition: attachment; ")
                    .append("filename=\"").append(attachment[0]).append("\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                    .append(java.util.Base64.getMimeEncoder().encodeToString((byte[]) attachment[2])).append("\r\n");
        }
        mime.append("--b1--\r\n");
        return smtp.importMessage(mime.toString().getBytes(StandardCharsets.US_ASCII), "shop@example.test",
                List.of("bob@example.test"), "test").id();
    }

    @Test
    void a_pdf_attachment_s_pages_are_drawn_as_images_for_its_preview() throws Exception {
        String id = withAttachments(new Object[] {"invoice.pdf", "application/pdf",
                pdf(595, 842, java.awt.Color.RED, java.awt.Color.BLUE)},
                new Object[] {"banner.pdf", "application/pdf", pdf(14_400, 200, java.awt.Color.GREEN)},
                // As many mailers send a PDF: typed as bytes, named .pdf.
                new Object[] {"receipt.pdf", "application/octet-stream", pdf(200, 100, java.awt.Color.RED)},
                new Object[] {"fake.pdf", "application/octet-stream", "not a PDF".getBytes(StandardCharsets.US_ASCII)});
        String base = "/api/v1/messages/" + id + "/attachments/";
        assertThat(get(base + "0/pages").get("pages").asInt()).isEqualTo(2);

        HttpResponse<byte[]> first = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + base
                + "0/pages/1")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("image/png");
        java.awt.image.BufferedImage page = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(first.body()));
        // An A4 page at 96 dpi, as a screen shows it: 595 x 842 points is 793 x 1122 pixels (whole pixels, rounded down).
        assertThat(page.getWidth()).isEqualTo(793);
        assertThat(page.getHeight()).isEqualTo(1122);
        assertThat(new java.awt.Color(page.getRGB(400, 560))).isEqualTo(java.awt.Color.RED);
        java.awt.image.BufferedImage second = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + base + "0/pages/2")).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body()));
        assertThat(new java.awt.Color(second.getRGB(400, 560))).isEqualTo(java.awt.Color.BLUE);
        // A page 200 inches wide is drawn no wider than the preview.
        java.awt.image.BufferedImage banner = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + base + "1/pages/1")).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body()));
        assertThat(banner.getWidth()).isEqualTo(900);
        assertThat(banner.getHeight()).isEqualTo(12);
        assertThat(get(base + "2/pages").get("pages").asInt()).isEqualTo(1);
        HttpResponse<String> inline = call("GET", base + "2?inline=true", null);
        assertThat(inline.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertError(call("GET", base + "3/pages", null), 400, "attachment 3 of message " + id
                + " is application/octet-stream: only a PDF has pages to show");
    }

    @Test
    void a_pdf_preview_that_cannot_be_drawn_says_why() throws Exception {
        byte[] locked;
        try (var document = org.apache.pdfbox.Loader.loadPDF(pdf(200, 200, java.awt.Color.RED))) {
            document.protect(new org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy("owner-secret",
                    "user-secret", new org.apache.pdfbox.pdmodel.encryption.AccessPermission()));
            var bytes = new java.io.ByteArrayOutputStream();
            document.save(bytes);
            locked = bytes.toByteArray();
        }
        String id = withAttachments(new Object[] {"one.pdf", "application/pdf", pdf(200, 200, java.awt.Color.RED)},
                new Object[] {"broken.pdf", "application/pdf", "this is not a PDF".getBytes(StandardCharsets.US_ASCII)},
                new Object[] {"locked.pdf", "application/pdf", locked},
                new Object[] {"chart.png", "image/png", new byte[] {1, 2, 3}});
        String base = "/api/v1/messages/" + id + "/attachments/";
        assertError(call("GET", base + "0/pages/2", null), 404,
                "attachment 0 of message " + id + " has 1 page: there is no page 2");
        assertError(call("GET", base + "0/pages/0", null), 404,
                "attachment 0 of message " + id + " has 1 page: there is no page 0");
        assertError(call("GET", base + "0/pages/first", null), 400, "path parameter page=\"first\": use a number");
        HttpResponse<String> broken = call("GET", base + "1/pages", null);
        assertThat(broken.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(broken.body()).get("error").asText())
                .startsWith("attachment 1 of message " + id + " cannot be read as a PDF: ")
                .endsWith("; download it to look at its bytes");
        assertError(call("GET", base + "2/pages/1", null), 422, "attachment 2 of message " + id
                + " is protected by a password: download it and open it with the password");
        assertError(call("GET", base + "3/pages", null), 400, "attachment 3 of message " + id
                + " is image/png: only a PDF has pages to show");
        assertError(call("GET", base + "4/pages", null), 404, "attachment 4 of message " + id + " not found");
    }

    private static List<String> subjects(JsonNode page) {
        List<String> subjects = new java.util.ArrayList<>();
        page.get("messages").forEach(message -> subjects.add(message.get("subject").asText()));
        return subjects;
    }

    @Test
    void sessions_list_and_one_include_rejected_sessions_and_the_rules_that_fired() throws Exception {
        assertThat(call("PUT", "/api/v1/failure-modes/presets/reject-connection", null).statusCode()).isEqualTo(200);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", smtp.port())) {
            socket.getInputStream().readAllBytes();
        }
        smtp.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
        JsonNode sessions = get("/api/v1/sessions");
        assertThat(sessions.get(0).get("outcome").asText()).isEqualTo("REJECTED");
        assertThat(sessions.get(0).get("rulesFired")).extracting(JsonNode::asText).containsExactly("reject-connection");
        JsonNode lastRejection = sessions.get(0).get("lastRejection");
        assertThat(lastRejection.get("stage").asText()).isEqualTo("connect");
        assertThat(lastRejection.get("code").asInt()).isEqualTo(554);
        assertThat(lastRejection.get("reply").asText()).startsWith("554 5.7.1 Connection rejected");
        assertThat(get("/api/v1/sessions?outcome=completed")).isEmpty();
        JsonNode one = get("/api/v1/sessions/" + sessions.get(0).get("id").asText());
        assertThat(one.get("transcript").get(1).get("text").asText()).startsWith("554 5.7.1");
        assertThat(one.get("rulesFired").get(0).get("ruleId").asText()).isEqualTo("reject-connection");
        assertThat(one.get("rulesFired").get(0).get("stage").asText()).isEqualTo("connect");
        assertThat(one.get("rejections")).extracting(rejection -> rejection.get("code").asInt()).containsExactly(554);
        assertError(call("GET", "/api/v1/sessions/99", null), 404, "session 99 not found");
    }

    @Test
    void a_wait_for_read_mail_is_not_answered_by_new_mail_which_is_unread() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + web.port() + "/api/v1/messages/wait?read=true&timeout=2")).build(),
                HttpResponse.BodyHandlers.ofString());
        send("new", "<p>x</p>", false);
        assertThat(waiting.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(408);
        assertThat(JSON.readTree(call("GET", "/api/v1/messages/wait?read=false&timeout=2", null).body())
                .get("subject").asText()).isEqualTo("new");
        assertThat(call("PATCH", "/api/v1/messages/1", "{\"read\": true}").statusCode()).isEqualTo(204);
        JsonNode read = JSON.readTree(call("GET", "/api/v1/messages/wait?read=true&timeout=2", null).body());
        assertThat(read.get("subject").asText()).isEqualTo("new");
        assertThat(read.get("read").asBoolean()).isTrue();
    }

    @Test
    void wait_answers_when_a_matching_message_arrives_or_408() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + web.port() + "/api/v1/messages/wait?to=bob@&subject=wanted&timeout=20")).build(),
                HttpResponse.BodyHandlers.ofString());
        // Whether the wait started before "ignored" arrived or after, only "wanted" may answer it.
        send("ignored", "<p>x</p>", false);
        send("wanted", "<p>y</p>", false);
        HttpResponse<String> response = waiting.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("subject").asText()).isEqualTo("wanted");
        assertError(call("GET", "/api/v1/messages/wait?after=2&timeout=1", null), 408,
                "no matching message arrived within 1 s");
        assertError(call("GET", "/api/v1/messages/wait?timeout=999", null), 400,
                "query parameter timeout=\"999\": use a whole number from 0 to 300");
    }

    @Test
    void a_message_is_released_to_a_server_named_and_the_release_goes_into_its_history() throws Exception {
        send("Release me", "<p>on its way</p>", false);
        RecordedMessage captured = smtp.messages().get(0);
        java.nio.file.Path ca = java.nio.file.Files.createTempDirectory("release-ca");
        try (FakeSmtpServer upstream = FakeSmtpServer.builder().hostName("upstream.test")
                .tls(dev.smtplab.server.tls.TlsMaterial.localCa(ca, "upstream.test")).authUser("carol", "s3cret")
                .requireAuth().build().start()) {
            String server = "127.0.0.1:" + upstream.port();
            JsonNode released = JSON.readTree(call("POST", "/api/v1/messages/" + captured.id() + "/release",
                    "{\"server\": \"" + server + "\", \"tls\": \"starttls\", \"insecure\": true, \"user\": \"carol\", "
                            + "\"password\": \"s3cret\"}").body());
            assertThat(released.get("delivered").asBoolean()).as(released.toString()).isTrue();
            assertThat(released.get("dialogue").toString()).contains("C: STARTTLS").contains("C: AUTH PLAIN ****")
                    .doesNotContain("s3cret");
            RecordedMessage arrived = upstream.awaitMessage(m -> true, Duration.ofSeconds(5));
            assertThat(arrived.data()).as("the exact bytes").isEqualTo(captured.data());
            assertThat(arrived.mailFrom()).isEqualTo(captured.mailFrom());
            assertThat(arrived.acceptedRecipients()).isEqualTo(captured.acceptedRecipients());
            assertThat(arrived.authUser()).hasValue("carol");

            JsonNode unchecked = JSON.readTree(call("POST", "/api/v1/messages/" + captured.id() + "/release",
                    "{\"server\": \"" + server + "\", \"tls\": \"starttls\", \"user\": \"carol\", \"password\": \"s3cret\"}").body());
            assertThat(unchecked.get("delivered").asBoolean()).as("its CA is not the JVM's").isFalse();
            assertThat(unchecked.get("event").asText()).startsWith("release to " + server + " failed: TLS failed: ");
            upstream.setScenario(dev.smtplab.server.scenario.Scenario.builder().preset("unknown-recipient").build());
            JsonNode refused = JSON.readTree(call("POST", "/api/v1/messages/" + captured.id() + "/release",
                    "{\"server\": \"" + server + "\", \"tls\": \"starttls\", \"insecure\": true, \"user\": \"carol\", "
                            + "\"password\": \"s3cret\", \"to\": [\"dave@example.test\"]}").body());
            assertThat(refused.get("event").asText()).isEqualTo("release to " + server + " failed: RCPT TO:<dave@example.test> "
                    + "was refused: 550 5.1.1 <dave@example.test>: Recipient address rejected: User unknown in local recipient table");

            JsonNode history = get("/api/v1/sessions/" + captured.sessionId()).get("transcript");
            List<String> events = new ArrayList<>();
            history.forEach(line -> events.add(line.get("text").asText()));
            assertThat(events.subList(events.size() - 3, events.size())).satisfiesExactly(
                    first -> assertThat(first).startsWith("released to " + server + " (starttls) as <" + captured.mailFrom()
                            + "> to [bob@example.test]: 250 "),
                    second -> assertThat(second).startsWith("release to " + server + " failed: TLS failed"),
                    third -> assertThat(third).contains("RCPT TO:<dave@example.test> was refused: 550 5.1.1"));
        }
        String path = "/api/v1/messages/" + captured.id() + "/release";
        assertError(call("POST", path, "{\"server\": \"nohost\"}"), 400,
                "server: give HOST:PORT, such as smtp.example.com:587, not \"nohost\"");
        assertError(call("POST", path, "{\"server\": \"127.0.0.1:25\", \"tls\": \"ssl\"}"), 400,
                "tls: say none, starttls or tls, not \"ssl\"");
        assertError(call("POST", path, "{\"server\": \"127.0.0.1:25\", \"tls\": \"none\", \"user\": \"u\"}"), 400,
                "a login is sent over TLS only: choose \"tls\": \"starttls\" or \"tls\"");
        assertError(call("POST", path, "{\"server\": \"127.0.0.1:25\", \"to\": []}"), 400,
                "to: give a list of addresses, such as [\"bob@example.com\"]");
        assertError(call("POST", path, "{\"server\": \"127.0.0.1:25\", \"to\": [\"bob\"]}"), 400, "to: \"bob\" is not an address");
        assertError(call("POST", "/api/v1/messages/999/release", "{\"server\": \"127.0.0.1:25\"}"), 404, "message 999 not found");
    }

    @Test
    void what_would_happen_is_tried_without_a_session() throws Exception {
        call("PUT", "/api/v1/failure-modes/presets/unknown-recipient", "{\"parameters\": \"addresses=bob@example.test\"}");
        JsonNode bob = JSON.readTree(call("POST", "/api/v1/failure-modes/try",
                "{\"stage\": \"rcpt\", \"address\": \"bob@example.test\"}").body());
        assertThat(bob.get("steps").get(0).get("rule").asText()).isEqualTo("unknown-recipient");
        assertThat(bob.get("outcome").asText()).startsWith("rule unknown-recipient: reply 550 5.1.1 <bob@example.test>");
        assertThat(smtp.sessions()).as("no session, nothing counted").isEmpty();
        assertError(call("POST", "/api/v1/failure-modes/try", "{\"stage\": \"data\", \"address\": \"b@x.test\"}"), 400,
                "stage: say \"mail\" (MAIL FROM) or \"rcpt\" (RCPT TO), not \"data\"");
        assertError(call("POST", "/api/v1/failure-modes/try", "{\"stage\": \"rcpt\", \"address\": \"bob\"}"), 400,
                "address: give an address such as bob@example.test, not \"bob\"");
        assertError(call("POST", "/api/v1/failure-modes/try", "{\"stage\": \"rcpt\", \"address\": \"b@x.test\", "
                + "\"client\": \"host.example\"}"), 400, "client: give an IP address, such as 192.0.2.10, not \"host.example\"");
    }

    @Test
    void a_rule_is_replaced_where_it_stands() throws Exception {
        call("POST", "/api/v1/failure-modes/rules", "{\"id\":\"first\",\"stage\":\"rcpt\",\"match\":{\"recipient\":\"a@*\"},"
                + "\"effect\":{\"reply\":\"550 5.1.1 no a\"}}");
        call("POST", "/api/v1/failure-modes/rules", "{\"id\":\"second\",\"stage\":\"rcpt\",\"effect\":{\"reply\":\"450 4.2.0 later\"}}");
        call("PUT", "/api/v1/failure-modes/presets/greylist", null);
        HttpResponse<String> replaced = call("PUT", "/api/v1/failure-modes/rules/first", "{\"id\":\"renamed\",\"stage\":\"rcpt\","
                + "\"match\":{\"recipient\":\"b@*\"},\"effect\":{\"reply\":\"550 5.1.1 no b\"}}");
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(smtp.scenario().customRules()).extracting(r -> r.id()).as("in the same place").containsExactly("renamed", "second");
        assertThat(JSON.readTree(replaced.body()).get("rules").get(0).get("rule").get("match").get("recipient").asText())
                .isEqualTo("b@*");

        assertError(call("PUT", "/api/v1/failure-modes/rules/renamed", "{\"id\":\"second\",\"stage\":\"rcpt\","
                + "\"effect\":{\"reset\":true}}"), 409, "two rules have the id \"second\": ids must be unique");
        assertError(call("PUT", "/api/v1/failure-modes/rules/renamed", "{\"id\":\"x\",\"stage\":\"rcpt\","
                + "\"effect\":{\"reply\":\"650 no\"}}"), 400, "effect.reply: reply code 650 is not one a server sends: use 200 to 599");
        assertError(call("PUT", "/api/v1/failure-modes/rules/nope", "{\"id\":\"x\",\"stage\":\"rcpt\",\"effect\":{\"reset\":true}}"),
                404, "rule \"nope\" not found");
        assertError(call("PUT", "/api/v1/failure-modes/rules/greylist", "{\"id\":\"x\",\"stage\":\"rcpt\",\"effect\":{\"reset\":true}}"),
                400, "rule \"greylist\" belongs to a preset: change the preset's parameters instead");
        assertThat(smtp.scenario().customRules()).extracting(r -> r.id()).as("refused changes change nothing")
                .containsExactly("renamed", "second");
    }

    @Test
    void failure_modes_turn_presets_on_and_off_and_add_and_remove_rules() throws Exception {
        JsonNode on = JSON.readTree(call("PUT", "/api/v1/failure-modes/presets/greylist",
                "{\"parameters\": \"retry-after=5s\"}").body());
        assertThat(on.get("presets").findValues("name")).isNotEmpty();
        assertThat(get("/api/v1/failure-modes").get("rules").get(0).get("id").asText()).isEqualTo("greylist");
        assertThat(smtp.scenario().presets()).containsExactly("greylist:retry-after=5s");

        HttpResponse<String> added = call("POST", "/api/v1/failure-modes/rules",
                "{\"id\":\"no-bob\",\"stage\":\"rcpt\",\"match\":{\"recipient\":\"bob@*\"},\"effect\":{\"reply\":\"550 5.1.1 no\"}}");
        assertThat(added.statusCode()).isEqualTo(201);
        assertThat(smtp.scenario().rules()).extracting(r -> r.id()).containsExactly("no-bob", "greylist");

        assertError(call("POST", "/api/v1/failure-modes/rules", "{\"id\":\"no-bob\",\"stage\":\"rcpt\",\"effect\":{\"reset\":true}}"),
                409, "two rules have the id \"no-bob\": ids must be unique");
        assertError(call("POST", "/api/v1/failure-modes/rules", "{\"id\":\"x\",\"stage\":\"rcpt\",\"effect\":{\"reply\":\"650 no\"}}"),
                400, "effect.reply: reply code 650 is not one a server sends: use 200 to 599");
        assertError(call("POST", "/api/v1/failure-modes/rules", "{not json"), 400,
                "the body is not valid JSON: Unexpected character ('n' (code 110)): was expecting double-quote to start field name");
        assertError(call("DELETE", "/api/v1/failure-modes/rules/greylist", null), 400,
                "rule \"greylist\" belongs to a preset: turn the preset off");
        assertError(call("PUT", "/api/v1/failure-modes/presets/greylist", "{\"parameters\": \"retry=5s\"}"), 400,
                "preset greylist has no parameter \"retry\"");
        assertThat(smtp.scenario().presets()).as("a refused change changes nothing").containsExactly("greylist:retry-after=5s");
        assertError(call("PUT", "/api/v1/failure-modes/presets/nope", null), 404,
                "preset \"nope\" (use one of blocked, refused, silent, reject-connection, invalid-sender, "
                        + "unknown-recipient, relay-denied, mailbox-full, greylist, rate-limit, auth-required, "
                        + "message-too-big, spam-rejected, slow, flaky, starttls-refused, tls-handshake-failure, auth-refused, "
                        + "auth-tempfail, bounce-later, soft-bounce-later, drop-during-data); not found");

        assertThat(call("DELETE", "/api/v1/failure-modes/rules/no-bob", null).statusCode()).isEqualTo(200);
        assertError(call("DELETE", "/api/v1/failure-modes/rules/no-bob", null), 404, "rule \"no-bob\" not found");
        assertThat(call("DELETE", "/api/v1/failure-modes/presets/greylist", null).statusCode()).isEqualTo(200);
        assertError(call("DELETE", "/api/v1/failure-modes/presets/greylist", null), 404, "active preset \"greylist\" not found");
        call("PUT", "/api/v1/failure-modes/presets/refused", null);
        assertThat(get("/api/v1/failure-modes").get("connectionMode").asText()).isEqualTo("refused");
        assertThat(call("DELETE", "/api/v1/failure-modes", null).statusCode()).isEqualTo(200);
        assertThat(smtp.scenario()).isEqualTo(dev.smtplab.server.scenario.Scenario.none());
    }

    /** What GET returns for a rule is what POST takes: a rule read back through the API is the same rule. */
    @Test
    void failure_modes_show_rules_in_the_shape_post_takes() throws Exception {
        String rule = "{\"id\":\"slow-bob\",\"stage\":\"rcpt\",\"match\":{\"recipient-regex\":\"bob@.*\","
                + "\"not\":{\"recipient-local\":true}},\"schedule\":{\"every\":2},"
                + "\"effect\":{\"reply\":[\"451 4.3.0 busy\",\"try later\"]},\"uses\":5}";
        assertThat(call("POST", "/api/v1/failure-modes/rules", rule).statusCode()).isEqualTo(201);
        call("PUT", "/api/v1/failure-modes/presets/invalid-sender", null);
        var before = smtp.scenario();
        JsonNode modes = get("/api/v1/failure-modes");
        JsonNode shown = modes.get("rules").get(0);
        assertThat(shown.get("origin").asText()).isEqualTo("added");
        assertThat(shown.get("summary").asText()).isEqualTo("reply 451-4.3.0 busy / 451 4.3.0 try later");
        assertThat(shown.get("rule")).isEqualTo(JSON.readTree(rule));
        assertThat(modes.findValues("origin")).extracting(JsonNode::asText).contains("preset");
        assertThat(modes.get("rulesFile").get("presets").get(0).asText()).isEqualTo("invalid-sender");

        assertThat(call("DELETE", "/api/v1/failure-modes/rules/slow-bob", null).statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/v1/failure-modes/rules", JSON.writeValueAsString(shown.get("rule"))).statusCode())
                .isEqualTo(201);
        assertThat(smtp.scenario()).isEqualTo(before);
        assertThat(modes.toString()).doesNotContain("[match=", "Not[", "TextPattern");
    }

    @Test
    void stopping_the_web_server_closes_every_events_stream_before_the_server_goes() throws Exception {
        List<BufferedReader> browsers = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + web.port() + "/api/v1/events")).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            browsers.add(new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8)));
            assertThat(browsers.get(i).readLine()).isEqualTo(": connected");
        }
        web.stop();
        // A writer that closed its stream after the server had gone left Javalin spinning on that thread.
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("every stream's writer has closed it by the time stop() returns")
                .doesNotContain("smtplab-sse-writer");
        for (BufferedReader browser : browsers) {
            assertThat(browser.lines().filter(line -> !line.isEmpty() && !line.startsWith(":")).toList())
                    .as("the stream ends").isEmpty();
        }
    }

    @Test
    void events_stream_tells_of_messages_rejections_and_rules() throws Exception {
        call("POST", "/api/v1/failure-modes/rules",
                "{\"id\":\"no-carol\",\"stage\":\"rcpt\",\"match\":{\"recipient\":\"carol@*\"},\"effect\":{\"reply\":\"550 5.1.1 no\"}}");
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + web.port() + "/api/v1/events")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(events.readLine()).isEqualTo(": connected");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", smtp.port())) {
            var out = socket.getOutputStream();
            BufferedReader replies = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            awaitReply(replies, "220");
            for (String[] step : new String[][] {{"EHLO x", "250"}, {"MAIL FROM:<a@x.test>", "250"},
                    {"RCPT TO:<carol@x.test>", "550"}, {"RCPT TO:<bob@x.test>", "250"}, {"DATA", "354"},
                    {"Subject: live\r\n\r\nbody\r\n.", "250"}, {"QUIT", "221"}}) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
                awaitReply(replies, step[1]);
            }
        }
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String line;
        while (!seen.containsAll(Set.of("rule-fired", "message", "session")) && System.nanoTime() < deadline
                && (line = events.readLine()) != null) {
            if (line.startsWith("event: ")) {
                seen.add(line.substring(7));
            }
        }
        stream.body().close();
        assertThat(seen).contains("session-started", "rule-fired", "message", "session");
    }

    @Test
    @org.junit.jupiter.api.Timeout(30) // a missing event would leave the stream's read waiting
    void marks_and_deletes_are_told_to_every_browser_naming_the_tab_that_made_them() throws Exception {
        send("first", "<p>1</p>", false);
        send("second", "<p>2</p>", false);
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + web.port() + "/api/v1/events")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(events.readLine()).isEqualTo(": connected");
            HttpResponse<String> marked = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port()
                    + "/api/v1/messages/1")).header("Content-Type", "application/json").header("X-SmtpLab-Tab", "tab-7")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"read\": true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(marked.statusCode()).isEqualTo(204);
            JsonNode told = nextOf(events, "messages-changed");
            assertThat(told.get("tab").asText()).isEqualTo("tab-7");
            assertThat(told.get("inboxes")).extracting(JsonNode::asText).containsExactly("default");

            // Marking what is marked already changes nothing and tells no one; a delete from another client does.
            assertThat(JSON.readTree(call("PATCH", "/api/v1/messages", "{\"read\": true, \"ids\": [\"1\"]}").body())
                    .get("changed").asInt()).isZero();
            assertThat(call("DELETE", "/api/v1/messages/2", null).statusCode()).isEqualTo(204);
            told = nextOf(events, "messages-changed");
            assertThat(told.get("tab").asText()).as("no tab named").isEmpty();
            assertThat(told.get("inboxes")).extracting(JsonNode::asText).containsExactly("default");
        }
    }

    /** The data of the next event of this kind, the others skipped. */
    private static JsonNode nextOf(BufferedReader events, String kind) throws IOException {
        String event = null;
        for (String line = events.readLine(); line != null; line = events.readLine()) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ") && kind.equals(event)) {
                return JSON.readTree(line.substring(6));
            }
        }
        throw new AssertionError("the stream ended before a " + kind + " event");
    }

    @Test
    void a_session_is_watched_live_line_by_line_until_it_ends() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", smtp.port())) {
            var out = socket.getOutputStream();
            BufferedReader replies = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            awaitReply(replies, "220");
            out.write("EHLO typed.test\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitReply(replies, "250");
            JsonNode session = JSON.readTree(call("GET", "/api/v1/sessions?limit=1", null).body()).get(0);
            assertThat(session.get("outcome").asText()).isEqualTo("ACTIVE");
            HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + web.port() + "/api/v1/sessions/" + session.get("id").asText() + "/live"))
                            .header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            List<JsonNode> lines = new ArrayList<>();
            // The transcript so far comes first: the greeting, EHLO and its reply.
            while (lines.stream().noneMatch(l -> l.get("text").asText().startsWith("250 "))) {
                lines.add(nextData(events, "line"));
            }
            assertThat(lines.get(0).get("index").asInt()).isZero();
            assertThat(lines.get(0).get("direction").asText()).isEqualTo("SERVER");
            assertThat(lines).anySatisfy(l -> assertThat(l.get("text").asText()).isEqualTo("EHLO typed.test"));
            out.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitReply(replies, "250");
            JsonNode typed = nextData(events, "line");
            assertThat(typed.get("text").asText()).isEqualTo("NOOP");
            assertThat(typed.get("direction").asText()).isEqualTo("CLIENT");
            assertThat(typed.get("index").asInt()).isEqualTo(lines.size());
            assertThat(nextData(events, "line").get("text").asText()).startsWith("250 ");
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitReply(replies, "221");
            assertThat(nextData(events, "line").get("text").asText()).isEqualTo("QUIT");
            assertThat(nextData(events, "line").get("text").asText()).startsWith("221 ");
            JsonNode end = nextData(events, "end");
            assertThat(end.get("outcome").asText()).isEqualTo("CLIENT_QUIT");
            String rest;
            while ((rest = events.readLine()) != null) {
                assertThat(rest).as("nothing after the end but the event's blank line").isEmpty();
            }
        }
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port()
                + "/api/v1/sessions/999/live")).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.body()).contains("event: end").contains("session 999 not found");
    }

    /** The data of the next event, which must be of this kind (comments and blank lines skipped). */
    private static JsonNode nextData(BufferedReader events, String kind) throws IOException {
        String event = null;
        for (String line = events.readLine(); line != null; line = events.readLine()) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                assertThat(event).as("the event's kind, for " + line).isEqualTo(kind);
                return JSON.readTree(line.substring(6));
            }
        }
        throw new AssertionError("the stream ended before a " + kind + " event");
    }

    @Test
    void health_and_metrics() throws Exception {
        send("counted", "<p>c</p>", false);
        smtp.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
        assertThat(get("/healthz").get("status").asText()).isEqualTo("ok");
        String metrics = call("GET", "/metrics", null).body();
        assertThat(metrics).contains("smtplab_messages_total 1\n", "smtplab_sessions_total 1\n",
                "# TYPE smtplab_rejections_total counter", "smtplab_messages_stored 1\n");
        call("PUT", "/api/v1/failure-modes/presets/mailbox-full", null);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", smtp.port())) {
            socket.getOutputStream().write("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getInputStream().readAllBytes();
        }
        smtp.awaitSession(s -> s.connectionIndex() == 2 && s.ended().isPresent(), Duration.ofSeconds(5));
        assertThat(call("GET", "/metrics", null).body()).contains("smtplab_rejections_total{code=\"452\"} 1\n",
                "smtplab_rule_fired_total{rule=\"mailbox-full\"} 1\n");
    }

    @Test
    void unknown_routes_get_json_404() throws Exception {
        assertError(call("GET", "/api/v1/nothing", null), 404, "no such route: GET /api/v1/nothing");
    }

    @Test
    void basic_auth_guards_everything_but_health() throws Exception {
        web.stop();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.withBasicAuth("admin:secret")).start();
        HttpResponse<String> refused = call("GET", "/api/v1/messages", null);
        assertError(refused, 401, "authentication required: this SMTP Lab was started with --web-auth");
        assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"SMTP Lab\", charset=\"UTF-8\"");
        assertThat(call("GET", "/", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/healthz", null).statusCode()).isEqualTo(200);
        HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + web.port() + "/api/v1/messages")).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isEqualTo(200);
    }

    @Test
    void ca_certificate_download_needs_a_local_ca(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data) throws Exception {
        assertError(call("GET", "/api/v1/tls/ca.pem", null), 404,
                "local CA (TLS is off, or uses a certificate of the user's): the CA is not found");
        web.stop();
        smtp.stop();
        smtp = FakeSmtpServer.builder().tls(dev.smtplab.server.tls.TlsMaterial.localCa(data, "localhost")).build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        HttpResponse<String> pem = call("GET", "/api/v1/tls/ca.pem", null);
        assertThat(pem.statusCode()).isEqualTo(200);
        assertThat(pem.body()).isEqualTo(java.nio.file.Files.readString(data.resolve("ca.pem")));
        assertThat(pem.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"smtplab-ca.pem\"");
    }

    @Test
    void webhooks_are_added_listed_with_their_deliveries_and_removed_and_mistakes_are_named() throws Exception {
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            assertError(call("POST", "/api/v1/webhooks", "{\"url\": \"ftp://x.test/\"}"), 400,
                    "webhook ftp://x.test/: give an http:// or https:// URL with a host");
            assertError(call("POST", "/api/v1/webhooks", "{\"url\": \"" + url + "\", \"secret\": \"short\"}"), 400,
                    "webhook " + url + ": the signing secret must be at least 16 characters");
            assertError(call("POST", "/api/v1/webhooks", "{\"link\": \"" + url + "\"}"), 400,
                    "field link: unknown; a webhook takes url and secret");
            assertThat(get("/api/v1/webhooks").get("webhooks")).isEmpty();
            HttpResponse<String> added = call("POST", "/api/v1/webhooks", "{\"url\": \"" + url + "\"}");
            assertThat(added.statusCode()).isEqualTo(201);
            assertThat(JSON.readTree(added.body()).get("secret").asText()).startsWith("whsec_").hasSize(54);
            send("hello", "<p>hello</p>", false);
            JsonNode shown = get("/api/v1/webhooks");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (shown.get("webhooks").get(0).get("delivered").asLong() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                shown = get("/api/v1/webhooks");
            }
            assertThat(shown.get("webhooks").get(0).get("url").asText()).isEqualTo(url);
            assertThat(shown.get("deliveries").findValuesAsText("type")).contains("message.received", "session.ended");
            assertThat(shown.get("deliveries").get(0).get("status").asInt()).isEqualTo(204);
            assertThat(call("DELETE", "/api/v1/webhooks?url=" + java.net.URLEncoder.encode(url,
                    java.nio.charset.StandardCharsets.UTF_8), null).statusCode()).isEqualTo(204);
            assertError(call("DELETE", "/api/v1/webhooks?url=" + java.net.URLEncoder.encode(url,
                    java.nio.charset.StandardCharsets.UTF_8), null), 404, "no webhook " + url);
            assertError(call("DELETE", "/api/v1/webhooks", null), 400, "give the webhook to remove as ?url=...");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void openapi_document_describes_exactly_the_real_routes() throws Exception {
        JsonNode paths = get("/api/v1/openapi.json").get("paths");
        Set<String> documented = new HashSet<>();
        for (Iterator<String> names = paths.fieldNames(); names.hasNext(); ) {
            String path = names.next();
            for (Iterator<String> methods = paths.get(path).fieldNames(); methods.hasNext(); ) {
                documented.add(methods.next().toUpperCase(Locale.ROOT) + " " + path);
            }
        }
        List<String> real = new ArrayList<>();
        web.routes().forEach(route -> real.add(route.method().name() + " " + route.path()));
        WebServer.STREAMS.forEach(stream -> real.add("GET " + stream));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(real);
    }

    /** Reads one whole reply and checks its code. */
    private static void awaitReply(BufferedReader replies, String code) throws IOException {
        String line;
        do {
            line = replies.readLine();
            assertThat(line).as("a reply line").isNotNull().startsWith(code);
        } while (line.length() > 3 && line.charAt(3) == '-');
    }

    @Test
    void a_message_with_an_end_of_data_look_alike_is_flagged_in_the_api() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", smtp.port())) {
            var out = socket.getOutputStream();
            BufferedReader replies = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            awaitReply(replies, "220");
            for (String[] step : new String[][] {{"EHLO x", "250"}, {"MAIL FROM:<a@x.test>", "250"},
                    {"RCPT TO:<b@x.test>", "250"}, {"DATA", "354"},
                    {"Subject: smuggled\r\n\r\none\n.\ntwo\r\n.", "250"}, {"QUIT", "221"}}) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
                awaitReply(replies, step[1]);
            }
        }
        JsonNode message = get("/api/v1/messages/1");
        assertThat(message.get("suspiciousEndOfData")).extracting(JsonNode::asText).containsExactly("<LF>.<LF>");
        JsonNode session = get("/api/v1/sessions/" + message.get("sessionId").asText());
        assertThat(session.get("transcript").toString()).contains("end-of-data look-alikes");
    }

    @Test
    void a_message_nested_too_deep_says_what_was_not_opened() throws Exception {
        StringBuilder content = new StringBuilder("Subject: deep\r\nMIME-Version: 1.0\r\n");
        for (int level = 0; level < 150; level++) {
            content.append("Content-Type: multipart/mixed; boundary=\"b").append(level).append("\"\r\n\r\n--b")
                    .append(level).append("\r\n");
        }
        content.append("Content-Type: text/plain\r\n\r\nbottom\r\n");
        for (int level = 149; level >= 0; level--) {
            content.append("--b").append(level).append("--\r\n");
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", smtp.port())) {
            var out = socket.getOutputStream();
            BufferedReader replies = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            awaitReply(replies, "220");
            for (String[] step : new String[][] {{"EHLO x", "250"}, {"MAIL FROM:<a@x.test>", "250"},
                    {"RCPT TO:<b@x.test>", "250"}, {"DATA", "354"}, {content + ".", "250"}, {"QUIT", "221"}}) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.US_ASCII));
                awaitReply(replies, step[1]);
            }
        }
        JsonNode message = get("/api/v1/messages/1");
        assertThat(message.get("partsOmitted")).extracting(JsonNode::asText)
                .containsExactly("parts nested deeper than 100 levels were not opened");
        assertThat(get("/api/v1/messages/1").get("subject").asText()).isEqualTo("deep");
    }
}
