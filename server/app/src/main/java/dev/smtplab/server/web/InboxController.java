package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.inbox.Inbox;
import dev.smtplab.server.inbox.InboxRoute;
import dev.smtplab.server.inbox.Inboxes;
import dev.smtplab.server.record.MessageQuery;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The inboxes: which exist, what routes mail into each, their ports; defined and removed at runtime. */
final class InboxController {
    private final FakeSmtpServer smtp;
    private final InboxScope scope;
    private final ObjectMapper json;

    InboxController(FakeSmtpServer smtp, InboxScope scope, ObjectMapper json) {
        this.smtp = smtp;
        this.scope = scope;
        this.json = json;
    }

    /** Every inbox the user may see, in routing order. */
    void list(Context ctx) {
        Set<String> allowed = scope.allowed(ctx);
        List<Dtos.InboxView> views = new ArrayList<>();
        for (Inbox inbox : smtp.inboxes().list()) {
            if (allowed == null || allowed.contains(inbox.name())) {
                views.add(view(inbox));
            }
        }
        ctx.json(views);
    }

    void one(Context ctx) {
        String name = scope.asked(ctx);
        ctx.json(view(smtp.inboxes().get(name).orElseThrow()));
    }

    /**
     * PUT /api/v1/inboxes/{inbox} with {"routes": ["rcpt:*@team-a.test", "auth:ci-bot"], "port": 0}:
     * defines the inbox or replaces its routes; "port" (optional) gives it a listener of its own.
     * Everything is checked before anything changes.
     */
    void put(Context ctx) {
        scope.requireWholeServer(ctx, "defining inboxes");
        String name = ctx.pathParam("inbox");
        try {
            Inboxes.checkName(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        JsonNode body = readJson(ctx);
        for (var field = body.fieldNames(); field.hasNext(); ) {
            String key = field.next();
            if (!key.equals("routes") && !key.equals("port")) {
                throw ApiException.badRequest("field " + key + ": unknown; an inbox takes routes and port");
            }
        }
        JsonNode routesNode = body.get("routes");
        List<InboxRoute> routes = new ArrayList<>();
        if (routesNode != null) {
            if (!routesNode.isArray()) {
                throw ApiException.badRequest("field routes: expected a list such as [\"rcpt:*@team-a.test\"]");
            }
            for (JsonNode route : routesNode) {
                if (!route.isTextual()) {
                    throw ApiException.badRequest("field routes: each route is text such as \"auth:ci-bot\", got "
                            + route);
                }
                try {
                    routes.add(InboxRoute.parse(route.asText()));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("field routes: " + e.getMessage());
                }
            }
        }
        Integer port = null;
        JsonNode portNode = body.get("port");
        if (portNode != null && !portNode.isNull()) {
            if (!portNode.canConvertToInt() || !portNode.isIntegralNumber() || portNode.asInt() < 0
                    || portNode.asInt() > 65535) {
                throw ApiException.badRequest("field port: use a port from 0 (a free one) to 65535, got " + portNode);
            }
            port = portNode.asInt();
        }
        if (Inboxes.DEFAULT.equals(name) && (!routes.isEmpty() || port != null)) {
            throw ApiException.badRequest("inbox \"default\" takes the mail no route takes; it has no routes or port "
                    + "of its own");
        }
        var existingPort = smtp.inboxPort(name);
        if (port != null && existingPort.isPresent() && port != 0 && port != existingPort.getAsInt()) {
            throw new ApiException(409, "inbox \"" + name + "\" listens on port " + existingPort.getAsInt()
                    + " already; remove the inbox to move it");
        }
        boolean created = !smtp.inboxes().exists(name);
        if (port != null && existingPort.isEmpty()) {
            // The port first: if it cannot be bound, nothing has changed.
            try {
                smtp.openInboxPort(name, port);
            } catch (IllegalStateException e) {
                if (created) {
                    smtp.inboxes().remove(name);
                }
                throw new ApiException(409, e.getMessage());
            }
        }
        smtp.inboxes().define(name, routes);
        ctx.status(created ? 201 : 200).json(view(smtp.inboxes().get(name).orElseThrow()));
    }

    /** Removes the inbox's routes, scenario and port; its messages stay. */
    void delete(Context ctx) {
        scope.requireWholeServer(ctx, "removing inboxes");
        String name = scope.asked(ctx);
        if (Inboxes.DEFAULT.equals(name)) {
            throw ApiException.badRequest("inbox \"default\" cannot be removed");
        }
        smtp.removeInbox(name);
        ctx.status(204);
    }

    private Dtos.InboxView view(Inbox inbox) {
        var port = smtp.inboxPort(inbox.name());
        return new Dtos.InboxView(inbox.name(), inbox.routes().stream().map(InboxRoute::toString).toList(),
                port.isPresent() ? port.getAsInt() : null, inbox.scenario().isPresent() ? "own" : "server",
                smtp.store().count(MessageQuery.all().inInboxes(Set.of(inbox.name()))),
                smtp.store().count(MessageQuery.all().inInboxes(Set.of(inbox.name())).withRead(false)),
                "/api/v1/inboxes/" + inbox.name() + "/messages");
    }

    /** No body at all is an empty object: a PUT that defines an inbox with no routes. */
    private JsonNode readJson(Context ctx) {
        return ctx.body().isBlank() ? json.createObjectNode() : JsonBodies.object(json, ctx.body());
    }
}
