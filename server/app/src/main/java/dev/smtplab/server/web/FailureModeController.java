package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.inbox.Inboxes;
import dev.smtplab.server.scenario.Presets;
import dev.smtplab.server.scenario.Rule;
import dev.smtplab.server.scenario.RulesFile;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.ScenarioHolder;
import io.javalin.http.Context;



/**
 * Failure modes at runtime: presets on and off, rules added and removed, all reset. Effective from
 * the next command. On an inbox's routes ({@code /api/v1/inboxes/{inbox}/failure-modes}) they are
 * that inbox's: the first change gives it a scenario of its own (starting as a copy of the server's), which
 * {@code DELETE} resets to none.
 */
final class FailureModeController {
    private final Inboxes inboxes;
    private final InboxScope scope;
    private final ObjectMapper json;

    FailureModeController(Inboxes inboxes, InboxScope scope, ObjectMapper json) {
        this.inboxes = inboxes;
        this.scope = scope;
        this.json = json;
    }

    /** The scenario the request shows: the server's, or the inbox's (its own, or the server's it follows). */
    private ScenarioHolder shown(Context ctx) {
        String inbox = scope.asked(ctx);
        return inbox == null ? inboxes.serverScenarios() : inboxes.scenariosFor(inbox);
    }

    /** The scenario the request changes: the server's (for users who may see all), or the inbox's own. */
    private ScenarioHolder changed(Context ctx) {
        String inbox = scope.asked(ctx);
        if (inbox == null) {
            scope.requireWholeServer(ctx, "changing the server's failure modes");
            return inboxes.serverScenarios();
        }
        return inboxes.ownScenarios(inbox);
    }

    void show(Context ctx) {
        ctx.json(Dtos.FailureModes.of(shown(ctx).get()));
    }

    /** PUT /presets/{name}, optional body {"parameters": "retry-after=5s"}. */
    void presetOn(Context ctx) throws Exception {
        String name = ctx.pathParam("name");
        if (!Presets.DESCRIPTIONS.containsKey(name)) {
            throw ApiException.notFound("preset \"" + name + "\" (use one of " + String.join(", ",
                    Presets.DESCRIPTIONS.keySet()) + ");");
        }
        String parameters = "";
        if (!ctx.body().isBlank()) {
            JsonNode body = readJson(ctx);
            JsonNode value = body.get("parameters");
            if (value != null && !value.isTextual()) {
                throw ApiException.badRequest("field parameters: expected text such as \"retry-after=5s\"");
            }
            parameters = value == null ? "" : value.asText();
        }
        String spec = parameters.isBlank() ? name : name + ":" + parameters;
        try {
            // Checked first, so that a bad request gives an inbox no scenario of its own.
            shown(ctx).get().withPreset(spec);
            ctx.json(Dtos.FailureModes.of(changed(ctx).update(scenario -> scenario.withPreset(spec))));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    void presetOff(Context ctx) {
        String name = ctx.pathParam("name");
        if (shown(ctx).get().presets().stream().noneMatch(spec -> Scenario.presetName(spec).equals(name))) {
            throw ApiException.notFound("active preset \"" + name + "\"");
        }
        ctx.json(Dtos.FailureModes.of(changed(ctx).update(scenario -> scenario.withoutPreset(name))));
    }

    /** POST /rules with one rule in the rules file's shape, as JSON. */
    void addRule(Context ctx) throws Exception {
        JsonNode body = readJson(ctx);
        Rule rule;
        try {
            rule = RulesFile.parseRule(json.convertValue(body, Object.class));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            shown(ctx).get().withRule(rule);
            Scenario updated = changed(ctx).update(scenario -> scenario.withRule(rule));
            ctx.status(201).json(Dtos.FailureModes.of(updated));
        } catch (IllegalArgumentException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    /** PUT /rules/{id}: the rule replaced where it stands, by one in the rules file's shape, as JSON. */
    void replaceRule(Context ctx) throws Exception {
        String id = ctx.pathParam("id");
        ScenarioHolder scenarios = shown(ctx);
        requireOwnRule(scenarios, id, "change the preset's parameters instead");
        Rule rule;
        try {
            rule = RulesFile.parseRule(json.convertValue(readJson(ctx), Object.class));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            scenarios.get().withRuleReplaced(id, rule);
            ctx.json(Dtos.FailureModes.of(changed(ctx).update(scenario -> scenario.withRuleReplaced(id, rule))));
        } catch (IllegalArgumentException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    void removeRule(Context ctx) {
        String id = ctx.pathParam("id");
        ScenarioHolder scenarios = shown(ctx);
        requireOwnRule(scenarios, id, "turn the preset off");
        ctx.json(Dtos.FailureModes.of(changed(ctx).update(scenario -> scenario.withoutRule(id))));
    }

    /**
     * POST /try {"stage": "mail" or "rcpt", "address": "...", "client": "IP"}: which rules a MAIL FROM
     * or RCPT TO would meet and what the client would get, without a session (nothing is counted).
     */
    void tryOut(Context ctx) {
        JsonNode body = readJson(ctx);
        String stage = body.path("stage").asText("").toLowerCase(java.util.Locale.ROOT);
        if (!stage.equals("mail") && !stage.equals("rcpt")) {
            throw ApiException.badRequest("stage: say \"mail\" (MAIL FROM) or \"rcpt\" (RCPT TO)"
                    + (stage.isEmpty() ? "" : ", not \"" + stage + "\""));
        }
        String address = body.path("address").asText("").trim();
        if (address.isEmpty() || !address.contains("@") || address.contains(" ") || address.contains("<")) {
            throw ApiException.badRequest("address: give an address such as bob@example.test"
                    + (address.isEmpty() ? "" : ", not \"" + address + "\""));
        }
        String client = body.path("client").asText("127.0.0.1").trim();
        java.net.InetAddress clientAddress = IpLiteral.parse(client).orElseThrow(() -> ApiException.badRequest(
                "client: give an IP address, such as 192.0.2.10, not \"" + client + "\""));
        ctx.json(dev.smtplab.server.scenario.DryRun.of(shown(ctx).get(), stage.equals("mail")
                ? dev.smtplab.server.scenario.SmtpStage.MAIL : dev.smtplab.server.scenario.SmtpStage.RCPT, address,
                clientAddress));
    }

    /**
     * @throws ApiException 400 for a preset's rule (saying what to do instead), 404 for no rule of that id
     */
    private static void requireOwnRule(ScenarioHolder scenarios, String id, String forPresetRules) {
        if (scenarios.get().customRules().stream().noneMatch(rule -> rule.id().equals(id))) {
            boolean fromPreset = scenarios.get().rules().stream().anyMatch(rule -> rule.id().equals(id));
            throw fromPreset ? ApiException.badRequest("rule \"" + id + "\" belongs to a preset: " + forPresetRules)
                    : ApiException.notFound("rule \"" + id + "\"");
        }
    }

    void reset(Context ctx) {
        ctx.json(Dtos.FailureModes.of(changed(ctx).update(scenario -> Scenario.none())));
    }

    private JsonNode readJson(Context ctx) {
        return JsonBodies.object(json, ctx.body());
    }

}
