package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The transcripts smtplab learn saves in the data folder, listed and shown by the API. */
class LessonTranscriptsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    Path transcripts;
    private FakeSmtpServer smtp;
    private WebServer web;

    private void start(WebAccess access, Path folder) {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, access).lessonTranscripts(folder).start();
    }

    @AfterEach
    void stop() {
        if (web != null) {
            web.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
                .timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void save(String name, String text) throws Exception {
        Files.writeString(transcripts.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void the_list_is_newest_first_with_what_each_heading_says_and_a_transcript_reads_as_saved() throws Exception {
        save("lesson-6-20261205-101500.txt", "# smtplab learn 6 (data): 3/3 steps\nC: EHLO client.example.test\n");
        save("lesson-1-20261205-111500.txt", "# smtplab learn 1 (connect): 1/3 steps\nlesson$ telnet mx1.example.test 25\n");
        save("lesson-2-20261204-090000.txt", "not a heading smtplab writes\n");
        save("notes.txt", "not a transcript");
        Files.write(transcripts.resolve("lesson-8-20261203-080000.txt"),
                new byte[] {'#', ' ', (byte) 0xff, '\n', 'x', '\n'});
        start(WebAccess.local(), transcripts);

        HttpResponse<String> list = get("/api/v1/lessons/transcripts");
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode items = JSON.readTree(list.body());
        assertThat(items).extracting(item -> item.get("name").asText()).containsExactly(
                "lesson-1-20261205-111500.txt", "lesson-6-20261205-101500.txt", "lesson-2-20261204-090000.txt",
                "lesson-8-20261203-080000.txt");
        JsonNode partial = items.get(0);
        assertThat(partial.get("lessonId").asText()).isEqualTo("connect");
        assertThat(partial.get("stepsReached").asInt()).isEqualTo(1);
        assertThat(partial.get("steps").asInt()).isEqualTo(3);
        assertThat(partial.get("finished").asBoolean()).isFalse();
        assertThat(partial.get("savedAt").asText()).isEqualTo("2026-12-05T11:15:00");
        assertThat(items.get(1).get("finished").asBoolean()).isTrue();
        assertThat(items.get(2).get("lessonId").isNull()).as("a heading smtplab did not write").isTrue();
        assertThat(items.get(2).get("lesson").asInt()).isEqualTo(2);

        HttpResponse<String> one = get("/api/v1/lessons/transcripts/lesson-1-20261205-111500.txt");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain");
        assertThat(one.body()).isEqualTo("# smtplab learn 1 (connect): 1/3 steps\nlesson$ telnet mx1.example.test 25\n");
        assertThat(get("/api/v1/lessons/transcripts/lesson-8-20261203-080000.txt").body()).contains("\uFFFD");
    }

    @Test
    void a_name_that_is_not_a_transcripts_is_refused_and_a_missing_one_is_not_found() throws Exception {
        save("lesson-6-20261205-101500.txt", "# smtplab learn 6 (data): 3/3 steps\n");
        Files.writeString(transcripts.getParent().resolve("secret.txt"), "not for the API");
        start(WebAccess.local(), transcripts);

        HttpResponse<String> traversal = get("/api/v1/lessons/transcripts/..%2Fsecret.txt");
        assertThat(traversal.statusCode()).isIn(400, 404);
        assertThat(traversal.body()).doesNotContain("not for the API");
        HttpResponse<String> badName = get("/api/v1/lessons/transcripts/notes.txt");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badName.body()).get("error").asText())
                .contains("is not the name of a lesson transcript (lesson-NUMBER-YYYYMMDD-HHMMSS.txt)");
        HttpResponse<String> missing = get("/api/v1/lessons/transcripts/lesson-7-20261205-101500.txt");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("error").asText()).contains("lesson-7-20261205-101500.txt");
    }

    @Test
    void without_a_transcripts_folder_yet_the_list_is_empty() throws Exception {
        start(WebAccess.local(), transcripts.resolve("learn/transcripts"));

        assertThat(JSON.readTree(get("/api/v1/lessons/transcripts").body())).isEmpty();
    }

    @Test
    void a_user_limited_to_some_inboxes_does_not_see_the_learners_transcripts() throws Exception {
        save("lesson-6-20261205-101500.txt", "# smtplab learn 6 (data): 3/3 steps\n");
        smtp = FakeSmtpServer.builder().inbox("team-a", "rcpt:*@team-a.test").build().start();
        WebAccess access = new WebAccess(List.of(), List.of(), WebAccess.users(List.of("admin:secret", "alice:pw")),
                Map.of(), false).limitedTo(Map.of("alice", Set.of("team-a")));
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, access).lessonTranscripts(transcripts).start();

        String alice = "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
        String admin = "Basic " + Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> limited = get("/api/v1/lessons/transcripts", "Authorization", alice);
        assertThat(limited.statusCode()).isEqualTo(403);
        assertThat(limited.body()).contains("only to users who may see every inbox");
        assertThat(get("/api/v1/lessons/transcripts/lesson-6-20261205-101500.txt", "Authorization", alice)
                .statusCode()).isEqualTo(403);
        assertThat(get("/api/v1/lessons/transcripts", "Authorization", admin).statusCode()).isEqualTo(200);
    }
}
