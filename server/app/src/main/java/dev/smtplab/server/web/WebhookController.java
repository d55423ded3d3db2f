package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.webhook.Webhooks;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * /api/v1/webhooks: the endpoints events are POSTed to, and the log of the last deliveries. They
 * see every inbox's mail, so only a user who may see all manages or reads them.
 */
final class WebhookController {
    private final Webhooks webhooks;
    private final InboxScope scope;
    private final ObjectMapper json;

    WebhookController(Webhooks webhooks, InboxScope scope, ObjectMapper json) {
        this.webhooks = webhooks;
        this.scope = scope;
        this.json = json;
    }

    /** GET: each endpoint with its counts, and the last attempts, newest first. */
    void show(Context ctx) {
        scope.requireWholeServer(ctx, "reading webhooks");
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("webhooks", webhooks.endpoints());
        view.put("deliveries", webhooks.deliveries());
        ctx.json(view);
    }

    /**
     * POST {"url": "https://...", "secret": "..."}: adds an endpoint (or gives one a new secret). Without
     * a secret one is made, and returned once in the reply.
     */
    void add(Context ctx) {
        scope.requireWholeServer(ctx, "adding webhooks");
        JsonNode body = JsonBodies.object(json, ctx.body());
        for (var field = body.fieldNames(); field.hasNext(); ) {
            String key = field.next();
            if (!Set.of("url", "secret").contains(key)) {
                throw ApiException.badRequest("field " + key + ": unknown; a webhook takes url and secret");
            }
        }
        if (!body.path("url").isTextual()) {
            throw ApiException.badRequest("field url: give the endpoint's URL, such as \"https://app.test/hooks\"");
        }
        if (body.has("secret") && !body.get("secret").isTextual()) {
            throw ApiException.badRequest("field secret: text of 16 characters or more");
        }
        String secret = body.has("secret") ? body.get("secret").asText() : Webhooks.newSecret();
        try {
            webhooks.add(body.get("url").asText(), secret);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Map<String, Object> added = new LinkedHashMap<>();
        added.put("url", body.get("url").asText().trim());
        if (!body.has("secret")) {
            added.put("secret", secret);
        }
        ctx.status(201).json(added);
    }

    /** DELETE ?url=...: removes an endpoint; its queued events are dropped. */
    void remove(Context ctx) {
        scope.requireWholeServer(ctx, "removing webhooks");
        String url = ctx.queryParam("url");
        if (url == null || url.isBlank()) {
            throw ApiException.badRequest("give the webhook to remove as ?url=...");
        }
        boolean removed;
        try {
            removed = webhooks.remove(url);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("url " + url + ": not a URL");
        }
        if (!removed) {
            throw new ApiException(404, "no webhook " + url);
        }
        ctx.status(204);
    }
}
