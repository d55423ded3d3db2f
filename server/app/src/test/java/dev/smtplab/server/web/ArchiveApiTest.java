package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Export as mbox and zip, read back by Python's mailbox module; import of .eml and mbox, all or nothing. */
class ArchiveApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
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

    private HttpResponse<byte[]> call(String method, String path, String type, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
                .timeout(Duration.ofSeconds(20)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String error(HttpResponse<byte[]> response) throws Exception {
        return JSON.readTree(response.body()).get("error").asText();
    }

    private static final String FIRST = "From: shop@example.test\r\nTo: bob@example.test\r\nSubject: one\r\n\r\n"
            + "From the start of a line\r\nbody\r\n";
    private static final String SECOND = "Return-Path: <bounce@example.test>\r\nFrom: shop@example.test\r\n"
            + "To: carol@example.test, dan@example.test\r\nSubject: two\r\n\r\nsecond\r\n";

    @Test
    void an_mbox_export_is_what_python_reads_and_imports_back_byte_for_byte(@TempDir Path folder) throws Exception {
        smtp.importMessage(FIRST.getBytes(StandardCharsets.UTF_8), "shop@example.test", List.of("bob@example.test"), "test");
        smtp.importMessage(SECOND.getBytes(StandardCharsets.UTF_8), "bounce@example.test",
                List.of("carol@example.test", "dan@example.test"), "test");

        HttpResponse<byte[]> export = call("GET", "/api/v1/messages/export", null, null);
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/mbox"));
        Path mbox = Files.write(folder.resolve("export.mbox"), export.body());
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", "import mailbox, sys\n"
                + "for m in mailbox.mbox(sys.argv[1]):\n"
                + "    print(m.get_from().split()[0], m['Subject'], repr(m.get_payload().splitlines()[0]))", mbox.toString())
                .redirectErrorStream(true).start();
        String read = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // Python reads mboxo: it keeps the ">" that quotes a From line (an mboxrd reader, ours, takes it off).
        assertThat(read).isEqualTo("shop@example.test one '>From the start of a line'\n"
                + "bounce@example.test two 'second'\n");

        FakeSmtpServer other = FakeSmtpServer.builder().build().start();
        WebServer otherWeb = new WebServer(other, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        try {
            HttpResponse<String> imported = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + otherWeb.port() + "/api/v1/messages/import")).header("Content-Type", "application/mbox")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(export.body())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
            assertThat(JSON.readTree(imported.body()).get("imported").asInt()).isEqualTo(2);
            List<RecordedMessage> messages = other.messages();
            assertThat(messages).extracting(m -> new String(m.data(), StandardCharsets.UTF_8)).containsExactly(FIRST, SECOND);
            assertThat(messages.get(1).mailFrom()).isEqualTo("bounce@example.test");
            assertThat(messages.get(1).acceptedRecipients()).containsExactly("carol@example.test", "dan@example.test");
            RecordedSession session = other.store().session(messages.get(0).sessionId()).orElseThrow();
            assertThat(session.transcriptText()).startsWith("-- imported from an upload to the API: ");
        } finally {
            otherWeb.stop();
            other.stop();
        }
    }

    @Test
    void a_zip_export_holds_one_eml_per_message_and_follows_the_filters() throws Exception {
        smtp.importMessage(FIRST.getBytes(StandardCharsets.UTF_8), "shop@example.test", List.of("bob@example.test"), "test");
        smtp.importMessage(SECOND.getBytes(StandardCharsets.UTF_8), "bounce@example.test", List.of("carol@example.test"),
                "test");
        HttpResponse<byte[]> zip = call("GET", "/api/v1/messages/export?format=zip&to=carol", null, null);
        assertThat(zip.statusCode()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        try (ZipInputStream entries = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            ZipEntry entry;
            while ((entry = entries.getNextEntry()) != null) {
                names.add(entry.getName());
                contents.add(new String(entries.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(names).containsExactly("message-2.eml");
        assertThat(contents).containsExactly(SECOND);
        assertThat(error(call("GET", "/api/v1/messages/export?format=pst", null, null)))
                .isEqualTo("query parameter format=\"pst\": use mbox or zip");
    }

    @Test
    void an_eml_saved_with_lf_imports_with_crlf() throws Exception {
        HttpResponse<byte[]> imported = call("POST", "/api/v1/messages/import", "message/rfc822",
                FIRST.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(imported.statusCode()).isEqualTo(201);
        JsonNode answer = JSON.readTree(imported.body());
        assertThat(answer.get("ids").toString()).isEqualTo("[\"1\"]");
        assertThat(new String(smtp.messages().get(0).data(), StandardCharsets.UTF_8)).isEqualTo(FIRST);
    }

    @Test
    void bad_uploads_are_named_and_nothing_is_half_imported() throws Exception {
        assertThat(error(call("POST", "/api/v1/messages/import", "message/rfc822", new byte[0])))
                .isEqualTo("the body is empty: send an .eml (Content-Type: message/rfc822) or an mbox "
                        + "(Content-Type: application/mbox)");
        HttpResponse<byte[]> wrongType = call("POST", "/api/v1/messages/import", "application/json", "{}".getBytes());
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(error(call("POST", "/api/v1/messages/import", "application/mbox", "Subject: x\n\nbody\n".getBytes())))
                .startsWith("not an mbox: it must start with a \"From \" line");
        String oneGoodOneBad = "From a@x.test Sat Dec  5 10:00:00 2026\n"
                + FIRST.replace("\r\n", "\n").replace("\nFrom the start", "\n>From the start") + "\n"
                + "From b@x.test Sat Dec  5 10:00:01 2026\nFrom: b@x.test\nSubject: nobody\n\nno recipients\n\n";
        HttpResponse<byte[]> refused = call("POST", "/api/v1/messages/import", "application/mbox",
                oneGoodOneBad.getBytes(StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(error(refused)).isEqualTo("message 2 of 2 cannot be imported: it has no Delivered-To, X-Original-To, "
                + "To, Cc or Bcc header to take the recipients from; nothing was imported");
        assertThat(smtp.messages()).isEmpty();
    }
}
