package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.FakeSmtpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Inboxes through the API: defined and removed at runtime, scoped routes, and users limited to theirs. */
class InboxApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeSmtpServer smtp;
    private WebServer web;

    @BeforeEach
    void start() {
        smtp = FakeSmtpServer.builder().inbox("team-a", "rcpt:team-a.test").inbox("team-b", "rcpt:team-b.test")
                .build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, new WebAccess(List.of(), List.of(),
                Map.of("admin", "root-pw", "ann", "a-pw"), Map.of("ann", Set.of("team-a")), false)).start();
    }

    @AfterEach
    void stop() {
        web.stop();
        smtp.stop();
    }

    private HttpResponse<String> call(String user, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (user != null) {
            String password = user.equals("admin") ? "root-pw" : "a-pw";
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String user, String path) throws Exception {
        HttpResponse<String> response = call(user, "GET", path, null);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void assertError(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(message);
    }

    private String deliver(String to) {
        return smtp.importMessage(("Subject: to " + to + "\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII),
                "app@example.test", List.of(to), "test").id();
    }

    private static List<String> subjects(JsonNode page) {
        List<String> subjects = new ArrayList<>();
        page.get("messages").forEach(message -> subjects.add(message.get("subject").asText()));
        return subjects;
    }

    @Test
    void inboxes_are_listed_in_routing_order_with_their_routes_and_counts() throws Exception {
        deliver("x@team-a.test");
        deliver("y@team-a.test");
        deliver("z@other.test");

        JsonNode inboxes = get("admin", "/api/v1/inboxes");

        assertThat(inboxes).hasSize(3);
        assertThat(inboxes.get(0).get("name").asText()).isEqualTo("default");
        assertThat(inboxes.get(0).get("messages").asInt()).isEqualTo(1);
        assertThat(inboxes.get(1).get("name").asText()).isEqualTo("team-a");
        assertThat(inboxes.get(1).get("routes").get(0).asText()).isEqualTo("rcpt:team-a.test");
        assertThat(inboxes.get(1).get("messages").asInt()).isEqualTo(2);
        assertThat(inboxes.get(1).get("unread").asInt()).isEqualTo(2);
        assertThat(inboxes.get(1).get("scenario").asText()).isEqualTo("server");
        assertThat(inboxes.get(1).get("port").isNull()).isTrue();
    }

    @Test
    void the_scoped_routes_list_wait_export_and_delete_one_inbox_only() throws Exception {
        deliver("x@team-a.test");
        deliver("z@other.test");

        assertThat(subjects(get("admin", "/api/v1/inboxes/team-a/messages"))).containsExactly("to x@team-a.test");
        assertThat(get("admin", "/api/v1/inboxes/team-a/messages").get("messages").get(0).get("inbox").asText())
                .isEqualTo("team-a");
        assertThat(subjects(get("admin", "/api/v1/messages"))).hasSize(2);
        assertThat(call("admin", "GET", "/api/v1/inboxes/team-a/messages/export", null).body())
                .contains("Subject: to x@team-a.test").doesNotContain("other.test");

        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return call("admin", "GET", "/api/v1/inboxes/team-b/messages/wait?timeout=10", null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        deliver("w@other.test");
        deliver("v@team-b.test");
        assertThat(JSON.readTree(waiting.get().body()).get("subject").asText()).isEqualTo("to v@team-b.test");

        assertThat(call("admin", "DELETE", "/api/v1/inboxes/team-a/messages", null).statusCode()).isEqualTo(204);
        assertThat(subjects(get("admin", "/api/v1/messages"))).containsExactlyInAnyOrder("to z@other.test",
                "to w@other.test", "to v@team-b.test");
        assertError(call("admin", "GET", "/api/v1/inboxes/nope/messages", null), 404, "inbox \"nope\" not found");
    }

    @Test
    void an_import_to_an_inbox_route_lands_there_whatever_its_recipients() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port()
                        + "/api/v1/inboxes/team-b/messages/import"))
                .header("Content-Type", "message/rfc822")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:root-pw".getBytes()))
                .POST(HttpRequest.BodyPublishers.ofString("From: a@x.test\nTo: b@team-a.test\nSubject: moved\n\nx\n"))
                .build();

        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);

        assertThat(subjects(get("admin", "/api/v1/inboxes/team-b/messages"))).containsExactly("moved");
    }

    @Test
    void an_inbox_s_failure_modes_apply_to_its_mail_only_and_reset_to_none() throws Exception {
        HttpResponse<String> on = call("admin", "PUT", "/api/v1/inboxes/team-a/failure-modes/presets/unknown-recipient",
                null);
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);

        assertThat(smtpReplyToRcpt("bob@team-a.test")).startsWith("550 5.1.1");
        assertThat(smtpReplyToRcpt("bob@team-b.test")).startsWith("250");
        assertThat(get("admin", "/api/v1/failure-modes").get("presets").findValues("active"))
                .allMatch(active -> !active.asBoolean());
        assertThat(get("admin", "/api/v1/inboxes/team-a").get("scenario").asText()).isEqualTo("own");

        assertThat(call("admin", "DELETE", "/api/v1/inboxes/team-a/failure-modes", null).statusCode()).isEqualTo(200);
        assertThat(smtpReplyToRcpt("bob@team-a.test")).startsWith("250");
    }

    @Test
    void a_bad_request_for_an_inbox_s_failure_modes_gives_it_no_scenario_of_its_own() throws Exception {
        assertThat(call("admin", "PUT", "/api/v1/inboxes/team-a/failure-modes/presets/greylist",
                "{\"parameters\": \"retry-after=banana\"}").statusCode()).isEqualTo(400);
        assertThat(call("admin", "DELETE", "/api/v1/inboxes/team-a/failure-modes/presets/greylist", null).statusCode())
                .isEqualTo(404);
        assertThat(get("admin", "/api/v1/inboxes/team-a").get("scenario").asText()).isEqualTo("server");
    }

    private String smtpReplyToRcpt(String recipient) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", smtp.port())) {
            socket.setSoTimeout(5_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            in.readLine();
            out.write(("HELO client.test\r\nMAIL FROM:<app@example.test>\r\nRCPT TO:<" + recipient + ">\r\nQUIT\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            in.readLine();
            in.readLine();
            return in.readLine();
        }
    }

    @Test
    void an_inbox_is_defined_with_a_port_of_its_own_and_removed_through_the_api() throws Exception {
        HttpResponse<String> created = call("admin", "PUT", "/api/v1/inboxes/qa",
                "{\"routes\": [\"auth:qa-*\"], \"port\": 0}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        int port = JSON.readTree(created.body()).get("port").asInt();
        assertThat(port).isPositive();
        assertThat(smtp.inboxes().get("qa").orElseThrow().routes()).extracting(Object::toString)
                .containsExactly("auth:qa-*");

        HttpResponse<String> replaced = call("admin", "PUT", "/api/v1/inboxes/qa", "{\"routes\": []}");
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(replaced.body()).get("port").asInt()).as("keeps its port").isEqualTo(port);

        assertThat(call("admin", "DELETE", "/api/v1/inboxes/qa", null).statusCode()).isEqualTo(204);
        assertThat(smtp.inboxes().exists("qa")).isFalse();
        assertThat(smtp.inboxPort("qa")).isEmpty();
    }

    @Test
    void bad_inbox_definitions_are_refused_and_change_nothing() throws Exception {
        assertError(call("admin", "PUT", "/api/v1/inboxes/a%20b", "{}"), 400, "inbox name \"a b\": use letters, "
                + "digits, '.', '_' and '-' (at most 64, starting with a letter or digit)");
        assertError(call("admin", "PUT", "/api/v1/inboxes/qa", "{\"routes\": \"rcpt:x.test\"}"), 400,
                "field routes: expected a list such as [\"rcpt:*@team-a.test\"]");
        assertError(call("admin", "PUT", "/api/v1/inboxes/qa", "{\"routes\": [\"to:x\"]}"), 400,
                "field routes: route \"to:x\": \"to\" is not a kind of route; use rcpt or auth");
        assertError(call("admin", "PUT", "/api/v1/inboxes/qa", "{\"port\": 70000}"), 400,
                "field port: use a port from 0 (a free one) to 65535, got 70000");
        assertError(call("admin", "PUT", "/api/v1/inboxes/qa", "{\"colour\": 1}"), 400,
                "field colour: unknown; an inbox takes routes and port");
        assertError(call("admin", "PUT", "/api/v1/inboxes/default", "{\"routes\": [\"rcpt:x.test\"]}"), 400,
                "inbox \"default\" takes the mail no route takes; it has no routes or port of its own");
        assertError(call("admin", "DELETE", "/api/v1/inboxes/default", null), 400,
                "inbox \"default\" cannot be removed");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HttpResponse<String> busy = call("admin", "PUT", "/api/v1/inboxes/qa",
                    "{\"port\": " + taken.getLocalPort() + "}");
            assertThat(busy.statusCode()).isEqualTo(409);
            assertThat(busy.body()).contains("already in use");
        }
        assertThat(smtp.inboxes().exists("qa")).as("nothing half-made").isFalse();
        assertThat(smtp.inboxPorts()).isEmpty();
    }

    @Test
    void a_user_limited_to_an_inbox_sees_only_its_mail_and_sessions() throws Exception {
        String mine = deliver("x@team-a.test");
        String theirs = deliver("y@team-b.test");

        assertThat(subjects(get("ann", "/api/v1/messages"))).containsExactly("to x@team-a.test");
        assertThat(get("ann", "/api/v1/messages").get("total").asInt()).isEqualTo(1);
        assertThat(get("ann", "/api/v1/inboxes")).extracting(inbox -> inbox.get("name").asText())
                .containsExactly("team-a");
        assertThat(get("ann", "/api/v1/messages/" + mine).get("inbox").asText()).isEqualTo("team-a");
        assertError(call("ann", "GET", "/api/v1/messages/" + theirs, null), 404, "message " + theirs + " not found");
        assertError(call("ann", "GET", "/api/v1/messages/" + theirs + "/raw", null), 404,
                "message " + theirs + " not found");
        assertError(call("ann", "DELETE", "/api/v1/messages/" + theirs, null), 404, "message " + theirs + " not found");
        assertError(call("ann", "GET", "/api/v1/inboxes/team-b/messages", null), 403,
                "user ann may see only the inboxes [team-a], not \"team-b\" (--web-auth-inboxes)");
        assertThat(get("ann", "/api/v1/sessions")).extracting(session -> session.get("inboxes").get(0).asText())
                .containsOnly("team-a");

        assertThat(call("ann", "DELETE", "/api/v1/messages", null).statusCode()).isEqualTo(204);
        assertThat(smtp.store().message(theirs)).as("only her inbox emptied").isPresent();
        assertThat(smtp.store().message(mine)).isEmpty();
    }

    @Test
    void read_marks_stay_within_the_inbox_a_request_may_see() throws Exception {
        String mine = deliver("x@team-a.test");
        String theirs = deliver("y@team-b.test");

        // Marking by filter on an inbox's route marks that inbox's mail only.
        assertThat(JSON.readTree(call("admin", "PATCH", "/api/v1/inboxes/team-a/messages", "{\"read\": true}")
                .body()).get("changed").asInt()).isEqualTo(1);
        assertThat(get("admin", "/api/v1/inboxes").get(1).get("unread").asInt()).isZero();
        assertThat(get("admin", "/api/v1/inboxes").get(2).get("unread").asInt()).isEqualTo(1);

        // A user who sees team-a only cannot mark team-b's mail, one by one or in a list; nothing changes.
        assertError(call("ann", "PATCH", "/api/v1/messages/" + theirs, "{\"read\": true}"), 404,
                "message " + theirs + " not found");
        assertError(call("ann", "PATCH", "/api/v1/messages", "{\"read\": false, \"ids\": [\"" + mine + "\", \""
                + theirs + "\"]}"), 404, "message " + theirs + " not found");
        assertThat(smtp.store().isRead(mine)).isTrue();
        assertThat(smtp.store().isRead(theirs)).isFalse();
        // Marking everything, for that user, is everything they see.
        assertThat(JSON.readTree(call("ann", "PATCH", "/api/v1/messages", "{\"read\": false}").body())
                .get("changed").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(call("ann", "PATCH", "/api/v1/messages", "{\"read\": true}").body())
                .get("changed").asInt()).isEqualTo(1);
        assertThat(smtp.store().isRead(theirs)).isFalse();
    }

    @Test
    void a_user_limited_to_an_inbox_changes_its_failure_modes_but_not_the_server_s() throws Exception {
        assertThat(call("ann", "PUT", "/api/v1/inboxes/team-a/failure-modes/presets/greylist", null).statusCode())
                .isEqualTo(200);
        assertError(call("ann", "PUT", "/api/v1/failure-modes/presets/greylist", null), 403,
                "user ann may see only the inboxes [team-a]; changing the server's failure modes is for a user who "
                        + "may see all (--web-auth-inboxes)");
        assertError(call("ann", "PUT", "/api/v1/inboxes/team-c", "{}"), 403,
                "user ann may see only the inboxes [team-a]; defining inboxes is for a user who may see all "
                        + "(--web-auth-inboxes)");
        assertError(call("ann", "DELETE", "/api/v1/inboxes/team-a", null), 403,
                "user ann may see only the inboxes [team-a]; removing inboxes is for a user who may see all "
                        + "(--web-auth-inboxes)");
        assertThat(smtp.scenario().presets()).isEmpty();
        assertThat(smtp.inboxes().scenariosFor("team-a").get().presets()).containsExactly("greylist");
    }

    @Test
    void a_wrong_password_for_a_known_user_is_refused() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/api/v1/messages"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ann:root-pw".getBytes()))
                .build();
        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }
}
