package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.bounce.RelayClient;
import dev.smtplab.server.record.Direction;
import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.TranscriptLine;
import io.javalin.http.Context;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Release: a captured message sent on to a real SMTP server the user names, with TLS and a login as
 * the client's options have them; each release, delivered or not, goes into the history of the
 * message (an event line of its session's transcript).
 */
final class ReleaseController {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final MessageStore store;
    private final InboxScope scope;
    private final ObjectMapper json;
    private final Clock clock;

    ReleaseController(MessageStore store, InboxScope scope, ObjectMapper json, Clock clock) {
        this.store = store;
        this.scope = scope;
        this.json = json;
        this.clock = clock;
    }

    /**
     * POST /messages/{id}/release {"server": "host:port", "tls": "none|starttls|tls", "insecure": false,
     * "user": "...", "password": "...", "from": "...", "to": ["..."]}.
     */
    void release(Context ctx) {
        String id = ctx.pathParam("id");
        RecordedMessage message = scope.check(ctx, store.message(id).orElseThrow(() -> ApiException.notFound("message " + id)),
                "message " + id);
        JsonNode body = JsonBodies.object(json, ctx.body());
        String server = body.path("server").asText("").trim();
        int colon = server.lastIndexOf(':');
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(server.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw ApiException.badRequest("server: give HOST:PORT, such as smtp.example.com:587"
                    + (server.isEmpty() ? "" : ", not \"" + server + "\""));
        }
        String host = server.substring(0, colon).replaceAll("^\\[|]$", "");
        RelayClient.Tls tls = switch (body.path("tls").asText("starttls").toLowerCase(Locale.ROOT)) {
            case "none" -> RelayClient.Tls.NONE;
            case "starttls" -> RelayClient.Tls.STARTTLS;
            case "tls" -> RelayClient.Tls.IMPLICIT;
            default -> throw ApiException.badRequest("tls: say none, starttls or tls, not \"" + body.path("tls").asText() + "\"");
        };
        String user = body.hasNonNull("user") && !body.get("user").asText().isEmpty() ? body.get("user").asText() : null;
        if (user != null && tls == RelayClient.Tls.NONE) {
            throw ApiException.badRequest("a login is sent over TLS only: choose \"tls\": \"starttls\" or \"tls\"");
        }
        String from = body.hasNonNull("from") ? body.get("from").asText().trim() : message.mailFrom();
        List<String> to = new ArrayList<>();
        if (body.has("to")) {
            if (!body.get("to").isArray() || body.get("to").isEmpty()) {
                throw ApiException.badRequest("to: give a list of addresses, such as [\"bob@example.com\"]");
            }
            body.get("to").forEach(address -> to.add(address.asText().trim()));
        } else {
            to.addAll(message.acceptedRecipients());
        }
        for (String address : to) {
            if (!address.contains("@") || address.contains(" ") || address.contains("<") || address.contains(">")) {
                throw ApiException.badRequest("to: \"" + address + "\" is not an address");
            }
        }
        boolean insecure = body.path("insecure").asBoolean(false);
        SSLSocketFactory factory = tls == RelayClient.Tls.NONE ? null : factory(insecure);
        RelayClient.Request request = new RelayClient.Request(host, port, "smtplab.localhost", from, to, tls, factory,
                !insecure, user, body.path("password").asText(""), TIMEOUT);
        List<String> dialogue = List.of();
        boolean delivered = false;
        String event;
        try {
            dialogue = RelayClient.send(request, message.data());
            delivered = true;
            event = "released to " + server + " (" + tls.name().toLowerCase(Locale.ROOT) + ") as <" + from + "> to " + to
                    + ": " + lastReply(dialogue);
        } catch (IOException e) {
            event = "release to " + server + " failed: " + reason(e);
        }
        remember(message, event);
        ctx.json(Map.of("delivered", delivered, "server", server, "event", event, "dialogue", dialogue));
    }

    private static String lastReply(List<String> dialogue) {
        for (int i = dialogue.size() - 1; i >= 0; i--) {
            if (dialogue.get(i).startsWith("S: 2") && !dialogue.get(i).startsWith("S: 221")) {
                return dialogue.get(i).substring(3);
            }
        }
        return "";
    }

    /** The message's history: an event line at the end of its session's transcript. */
    private void remember(RecordedMessage message, String event) {
        store.session(message.sessionId()).ifPresent(session -> {
            List<TranscriptLine> lines = new ArrayList<>(session.transcript());
            lines.add(new TranscriptLine(clock.instant(), Direction.EVENT, event));
            store.putSession(session.withTranscript(lines));
        });
    }

    private static String reason(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof java.net.UnknownHostException) {
            return "the host name does not resolve";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failed: " + e.getMessage();
        }
        return String.valueOf(e.getMessage());
    }

    /** The JVM's trusted CAs; or, when asked, any certificate (a test server's). */
    private static SSLSocketFactory factory(boolean insecure) {
        try {
            if (!insecure) {
                return SSLContext.getDefault().getSocketFactory();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
        }
    }
}
