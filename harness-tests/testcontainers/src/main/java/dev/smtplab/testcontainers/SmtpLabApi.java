package dev.smtplab.testcontainers;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SMTP Lab's REST API from a test, in any JVM: the messages a server received, waits for the next
 * one, and its failure modes. {@link SmtpLabContainer} hands one out for its container; {@link
 * #at(String)} reaches any SMTP Lab, such as a compose service.
 */
public final class SmtpLabApi {
    /** The longest a single wait may be, as the server allows. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(300);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private SmtpLabApi(URI base) {
        this.base = base;
    }

    /** The API of the SMTP Lab whose web UI is at this URL, such as {@code http://127.0.0.1:8025}. */
    public static SmtpLabApi at(String url) {
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
                || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL of an SMTP Lab web UI: " + url);
        }
        return new SmtpLabApi(uri);
    }

    public URI url() {
        return base;
    }

    /** Every stored message, oldest first (at most the 500 newest). */
    @SuppressWarnings("unchecked")
    public List<ReceivedMessage> messages() {
        Map<String, Object> page = (Map<String, Object>) Json.parse(call("GET", "/api/v1/messages?limit=500", null));
        List<ReceivedMessage> messages = new ArrayList<>();
        for (Object message : (List<Object>) page.get("messages")) {
            messages.add(0, ReceivedMessage.of((Map<String, Object>) message));
        }
        return messages;
    }

    /**
     * The first message to this recipient (its address contains {@code to}, in any case), stored or
     * to come, waiting without polling; fails with status 408 when none came in time.
     */
    public ReceivedMessage awaitMessage(String to, Duration timeout) {
        return awaitMessage("to=" + encode(to), timeout, "to " + to);
    }

    /** The first message, stored or to come, whatever its recipient. */
    public ReceivedMessage awaitAnyMessage(Duration timeout) {
        return awaitMessage("", timeout, "at all");
    }

    @SuppressWarnings("unchecked")
    private ReceivedMessage awaitMessage(String query, Duration timeout, String what) {
        if (timeout.isNegative() || timeout.compareTo(LONGEST_WAIT) > 0) {
            throw new IllegalArgumentException("a wait lasts 0 to 300 s, not " + timeout.toSeconds() + " s");
        }
        long seconds = (timeout.toMillis() + 999) / 1000;
        String path = "/api/v1/messages/wait?timeout=" + seconds + (query.isEmpty() ? "" : "&" + query);
        try {
            return ReceivedMessage.of((Map<String, Object>) Json.parse(call("GET", path, null,
                    timeout.plusSeconds(10))));
        } catch (SmtpLabApiException e) {
            if (e.status() == 408) {
                throw new SmtpLabApiException(408, "no message " + what + " arrived within " + seconds + " s; the "
                        + "server holds " + messages().size() + " message(s)");
            }
            throw e;
        }
    }

    /** The message exactly as received (RFC 5322 bytes). */
    public byte[] raw(String messageId) {
        return send("GET", "/api/v1/messages/" + encode(messageId) + "/raw", null, Duration.ofSeconds(30)).body();
    }

    /** The links of a message's bodies, decoded (see the README's links and codes). */
    @SuppressWarnings("unchecked")
    public List<String> links(String messageId) {
        Map<String, Object> links = (Map<String, Object>) Json.parse(call("GET", "/api/v1/messages/"
                + encode(messageId) + "/links", null));
        return List.copyOf((List<String>) links.get("links"));
    }

    /** The one-time codes of a message: 4 to 8 digits standing alone, outside links. */
    @SuppressWarnings("unchecked")
    public List<String> codes(String messageId) {
        Map<String, Object> codes = (Map<String, Object>) Json.parse(call("GET", "/api/v1/messages/"
                + encode(messageId) + "/codes", null));
        return List.copyOf((List<String>) codes.get("codes"));
    }

    public void deleteMessages() {
        call("DELETE", "/api/v1/messages", null);
    }

    /** Turns a preset on, such as {@code "greylist"}, or {@code "unknown-recipient", "addresses=bob@x.test"}. */
    public void preset(String name, String parameters) {
        call("PUT", "/api/v1/failure-modes/presets/" + encode(name), "{\"parameters\":" + quote(parameters) + "}");
    }

    public void preset(String name) {
        preset(name, "");
    }

    /** Adds a rule, written as the API takes it: {@code {"id":"no-bob","stage":"rcpt",...}}. */
    public void addRule(String ruleJson) {
        call("POST", "/api/v1/failure-modes/rules", ruleJson);
    }

    /** Back to no failures: presets off, rules removed. */
    public void resetFailures() {
        call("DELETE", "/api/v1/failure-modes", null);
    }

    private String call(String method, String path, String json) {
        return call(method, path, json, Duration.ofSeconds(30));
    }

    private String call(String method, String path, String json, Duration timeout) {
        return new String(send(method, path, json, timeout).body(), StandardCharsets.UTF_8);
    }

    private HttpResponse<byte[]> send(String method, String path, String json, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new SmtpLabApiException("cannot reach the SMTP Lab API at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmtpLabApiException("interrupted while calling " + method + " " + path, e);
        }
        if (response.statusCode() >= 300) {
            throw new SmtpLabApiException(response.statusCode(), method + " " + path + " answered "
                    + response.statusCode() + ": " + errorOf(response.body()));
        }
        return response;
    }

    @SuppressWarnings("unchecked")
    private static String errorOf(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            Object json = Json.parse(text);
            if (json instanceof Map<?, ?> map && map.get("error") instanceof String error) {
                return error;
            }
        } catch (IllegalArgumentException notJson) {
            // Shown as it came.
        }
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
