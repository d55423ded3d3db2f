package dev.smtplab.server.scenario;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes scenarios and rules in the rules file's shape, the one {@link RulesFile} reads and the
 * REST API takes: plain maps, lists, text, numbers and booleans, ready for YAML or JSON. Reading
 * what it writes gives an equal scenario (RulesRoundTripTest holds it to that for every preset
 * and every field).
 */
public final class RulesWriter {
    private RulesWriter() {
    }

    /** A whole scenario as a rules file. */
    public static String yaml(Scenario scenario) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(120);
        return new Yaml(options).dump(scenario(scenario));
    }

    /** A whole scenario: connection, limits, magic-addresses, presets, personality and the custom rules. */
    public static Map<String, Object> scenario(Scenario scenario) {
        Map<String, Object> top = new LinkedHashMap<>();
        if (scenario.ownConnectionMode() != ConnectionMode.NORMAL) {
            top.put("connection", scenario.ownConnectionMode().name().toLowerCase(java.util.Locale.ROOT));
        }
        Map<String, Object> limits = new LinkedHashMap<>();
        if (scenario.ownMaxConnectionsPerClient() > 0) {
            limits.put("connections-per-client", scenario.ownMaxConnectionsPerClient());
        }
        if (scenario.ownMaxConnectionsPerMinute() > 0) {
            limits.put("connections-per-minute", scenario.ownMaxConnectionsPerMinute());
        }
        if (!limits.isEmpty()) {
            top.put("limits", limits);
        }
        if (!scenario.magicAddresses()) {
            top.put("magic-addresses", false);
        }
        if (!scenario.presets().isEmpty()) {
            top.put("presets", List.copyOf(scenario.presets()));
        }
        scenario.personality().ifPresent(personality -> top.put("personality", personality.write()));
        if (!scenario.customRules().isEmpty()) {
            top.put("rules", scenario.customRules().stream().map(RulesWriter::rule).toList());
        }
        return top;
    }

    /** One rule; fields at their defaults (match anything, schedule always, no use limit) are left out. */
    public static Map<String, Object> rule(Rule rule) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", rule.id());
        fields.put("stage", rule.stage().key());
        if (!(rule.match() instanceof Match.Anything)) {
            fields.put("match", RuleFields.match(rule.match()));
        }
        if (!(rule.schedule() instanceof Schedule.Always)) {
            fields.put("schedule", RuleFields.schedule(rule.schedule()));
        }
        fields.put("effect", RuleFields.write(RuleFields.EFFECTS, rule.effect()));
        if (rule.maxUses() > 0) {
            fields.put("uses", FieldValues.number(rule.maxUses()));
        }
        return fields;
    }
}
