package dev.smtplab.client.api;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** SMTP Lab's web API, for the commands that move mail in and out of a running server. */
public final class LabApi {
    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The API could not be reached, or answered an error; the message says which. */
    public static final class Failure extends Exception {
        private final boolean unreachable;

        Failure(String message, boolean unreachable) {
            super(message);
            this.unreachable = unreachable;
        }

        /** True when nothing answered (exit 2); false when the API answered with an error (exit 30). */
        public boolean unreachable() {
            return unreachable;
        }
    }

    private final URI base;
    private final String authorization;
    /** How long one request may take: minutes for an export of every message, less for a lesson's copy. */
    private final Duration requestTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param auth USER:PASSWORD for a server started with --web-auth, or null */
    public LabApi(String url, String auth) {
        URI parsed;
        try {
            parsed = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            parsed = null;
        }
        if (parsed == null || parsed.getHost() == null || !("http".equals(parsed.getScheme())
                || "https".equals(parsed.getScheme()))) {
            throw new IllegalArgumentException("--api " + url + ": give the web UI's URL, such as "
                    + "http://127.0.0.1:8025");
        }
        this.base = parsed;
        this.authorization = auth == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = Duration.ofMinutes(5);
    }

    private LabApi(URI base, String authorization, Duration requestTimeout) {
        this.base = base;
        this.authorization = authorization;
        this.requestTimeout = requestTimeout;
    }

    /** The same API, each request given at most this long. */
    public LabApi withRequestTimeout(Duration timeout) {
        return new LabApi(base, authorization, timeout);
    }

    public URI url() {
        return base;
    }

    public byte[] get(String pathAndQuery) throws Failure {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET(), "GET " + pathAndQuery);
    }

    public byte[] post(String path, String contentType, byte[] body) throws Failure {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), "POST " + path);
    }

    private byte[] send(HttpRequest.Builder request, String what) throws Failure {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.timeout(requestTimeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Failure("cannot reach the SMTP Lab API at " + base + ": nothing answered (is the server running "
                    + "with its web UI, and is that its port?)", true);
        } catch (IOException e) {
            throw new Failure("cannot reach the SMTP Lab API at " + base + ": " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", true);
        }
        if (response.statusCode() >= 300) {
            String body = new String(response.body(), StandardCharsets.UTF_8);
            Matcher error = ERROR.matcher(body);
            String reason = error.find() ? error.group(1).replace("\\\"", "\"").replace("\\\\", "\\")
                    : body.length() > 200 ? body.substring(0, 200) : body;
            throw new Failure(what + " answered " + response.statusCode() + ": " + reason, false);
        }
        return response.body();
    }
}
