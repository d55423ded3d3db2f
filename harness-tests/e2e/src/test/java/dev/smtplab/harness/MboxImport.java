package dev.smtplab.harness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Puts messages into a running web server through its API (POST /api/v1/messages/import), as an mbox. */
final class MboxImport {
    private MboxImport() {
    }

    /** Every message of the mbox, imported in one request; anything but 201 fails the test with the API's answer. */
    static void into(int webPort, String mbox) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + webPort + "/api/v1/messages/import"))
                .header("Content-Type", "application/mbox").POST(HttpRequest.BodyPublishers.ofString(mbox))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }
}
