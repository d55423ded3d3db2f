package dev.smtplab.server.scenario;

import dev.smtplab.server.inbox.Inbox;
import dev.smtplab.server.inbox.InboxRoute;
import dev.smtplab.server.inbox.Inboxes;
import dev.smtplab.server.scenario.FieldValues.FieldException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.smtplab.server.scenario.FieldValues.count;
import static dev.smtplab.server.scenario.FieldValues.describe;
import static dev.smtplab.server.scenario.FieldValues.list;
import static dev.smtplab.server.scenario.FieldValues.map;
import static dev.smtplab.server.scenario.FieldValues.text;
import static dev.smtplab.server.scenario.FieldValues.unknownKeys;

/**
 * Reads a scenario from YAML (see the README's "Rules files"). Every mistake is reported with the
 * rule (number and id) and the field, and nothing half-read is used.
 */
public final class RulesFile {
    private static final Set<String> SCENARIO_KEYS = Set.of("connection", "limits", "magic-addresses", "presets",
            "rules", "personality");
    private static final Set<String> TOP_KEYS = Set.of("connection", "limits", "magic-addresses", "presets", "rules",
            "personality", "inboxes");
    private static final Set<String> INBOX_KEYS = Set.of("name", "routes", "port", "connection", "limits",
            "magic-addresses", "presets", "rules", "personality");
    private static final Set<String> RULE_KEYS = Set.of("id", "stage", "match", "schedule", "effect", "uses");

    private RulesFile() {
    }

    /** Thrown for a rules file that cannot be used; the message says where and what. */
    public static final class InvalidRulesException extends IllegalArgumentException {
        public InvalidRulesException(String message) {
            super(message);
        }
    }

    /**
     * What a rules file holds: the server's scenario, and the inboxes it defines (each with its
     * routes, its own port if any, and its own scenario if it gives any failure modes).
     *
     * @param inboxPorts the port of each inbox that has its own (0 for a free one)
     */
    public record Contents(Scenario scenario, List<Inbox> inboxes, Map<String, Integer> inboxPorts) {
        public Contents {
            inboxes = List.copyOf(inboxes);
            inboxPorts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inboxPorts));
        }
    }

    /** The scenario of a rules file (its inboxes are read by {@link #readContents}). */
    public static Scenario read(Path file) {
        return readContents(file).scenario();
    }

    /** Everything a rules file holds. */
    public static Contents readContents(Path file) {
        String name = file.toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parseContents(reader, name);
        } catch (IOException e) {
            throw new InvalidRulesException("rules file " + name + ": cannot read it: " + e.getMessage());
        }
    }

    /** Reads a scenario; {@code name} is how messages refer to the source. */
    public static Scenario parse(Reader reader, String name) {
        return parseContents(reader, name).scenario();
    }

    /** Reads everything a rules file holds; {@code name} is how messages refer to the source. */
    public static Contents parseContents(Reader reader, String name) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (MarkedYAMLException e) {
            throw new InvalidRulesException("rules file " + name + ": line " + (e.getProblemMark().getLine() + 1)
                    + ": not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new InvalidRulesException("rules file " + name + ": not valid YAML: " + e.getMessage());
        }
        try {
            return contents(document);
        } catch (FieldException e) {
            throw new InvalidRulesException("rules file " + name + ": " + e.getMessage());
        }
    }

    private static Contents contents(Object document) {
        if (document == null) {
            return new Contents(Scenario.none(), List.of(), Map.of());
        }
        Map<String, Object> top = map(document, "the file");
        unknownKeys(top, TOP_KEYS, "");
        Scenario scenario = scenario(top);
        List<Inbox> inboxes = new ArrayList<>();
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        if (top.containsKey("inboxes")) {
            List<Object> entries = list(top.get("inboxes"), "inboxes");
            Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < entries.size(); i++) {
                inboxes.add(inbox(entries.get(i), i + 1, names, ports));
            }
        }
        return new Contents(scenario, inboxes, ports);
    }

    /** One entry of {@code inboxes:}: name, routes, port, and optionally failure modes of its own. */
    private static Inbox inbox(Object node, int number, Set<String> names, Map<String, Integer> ports) {
        String where = "inboxes[" + number + "]";
        Map<String, Object> fields = map(node, where);
        if (fields.get("name") instanceof String named) {
            where += " (" + named + ")";
        }
        try {
            if (!fields.containsKey("name")) {
                throw new FieldException("name: missing");
            }
            String name = text(fields.get("name"), "name");
            unknownKeys(fields, INBOX_KEYS, "");
            Inboxes.checkName(name);
            if (Inboxes.DEFAULT.equals(name)) {
                throw new FieldException("name: \"default\" is where mail no inbox takes goes; give another name");
            }
            if (!names.add(name)) {
                throw new FieldException("name: inbox \"" + name + "\" is defined twice");
            }
            List<InboxRoute> routes = new ArrayList<>();
            if (fields.containsKey("routes")) {
                List<Object> given = list(fields.get("routes"), "routes");
                for (int i = 0; i < given.size(); i++) {
                    try {
                        routes.add(InboxRoute.parse(text(given.get(i), "routes[" + (i + 1) + "]")));
                    } catch (IllegalArgumentException e) {
                        throw new FieldException("routes[" + (i + 1) + "]: " + e.getMessage());
                    }
                }
            }
            if (fields.containsKey("port")) {
                Object port = fields.get("port");
                if (!(port instanceof Integer value) || value < 0 || value > 65535) {
                    throw new FieldException("port: expected a port from 0 (a free one) to 65535, got "
                            + describe(port));
                }
                ports.put(name, value);
            }
            boolean ownScenario = fields.keySet().stream().anyMatch(SCENARIO_KEYS::contains);
            return new Inbox(name, routes, ownScenario ? java.util.Optional.of(scenario(fields))
                    : java.util.Optional.empty());
        } catch (FieldException | IllegalArgumentException e) {
            throw new FieldException(where + ": " + e.getMessage());
        }
    }

    /**
     * Reads one rule in the rules file's shape (from YAML or JSON): the REST API takes rules this way.
     *
     * @throws InvalidRulesException naming the field that is wrong
     */
    public static Rule parseRule(Object node) {
        try {
            return rule(node, 1);
        } catch (FieldException e) {
            throw new InvalidRulesException(e.getMessage().replaceFirst("^rule 1( \\(id \"[^\"]*\"\\))?: ", ""));
        }
    }

    /** The failure modes in a map: the file's top level, or an inbox's own. */
    private static Scenario scenario(Map<String, Object> top) {
        Scenario.Builder builder = Scenario.builder();
        if (top.containsKey("connection")) {
            String mode = text(top.get("connection"), "connection");
            builder.connectionMode(switch (mode.toLowerCase(Locale.ROOT)) {
                case "normal" -> ConnectionMode.NORMAL;
                case "blocked" -> ConnectionMode.BLOCKED;
                case "refused" -> ConnectionMode.REFUSED;
                case "silent" -> ConnectionMode.SILENT;
                default -> throw new FieldException("connection: \"" + mode
                        + "\" is not a connection mode: use normal, blocked, refused or silent");
            });
        }
        if (top.containsKey("limits")) {
            Map<String, Object> limits = map(top.get("limits"), "limits");
            unknownKeys(limits, Set.of("connections-per-client", "connections-per-minute"), "limits.");
            if (limits.containsKey("connections-per-client")) {
                builder.maxConnectionsPerClient(count(limits.get("connections-per-client"), "limits.connections-per-client"));
            }
            if (limits.containsKey("connections-per-minute")) {
                builder.maxConnectionsPerMinute(count(limits.get("connections-per-minute"), "limits.connections-per-minute"));
            }
        }
        if (top.containsKey("magic-addresses")) {
            Object value = top.get("magic-addresses");
            if (!(value instanceof Boolean on)) {
                throw new FieldException("magic-addresses: expected true or false, got " + describe(value));
            }
            builder.magicAddresses(on);
        }
        if (top.containsKey("presets")) {
            List<Object> presets = list(top.get("presets"), "presets");
            for (int i = 0; i < presets.size(); i++) {
                String spec = text(presets.get(i), "presets[" + (i + 1) + "]");
                try {
                    builder.preset(spec);
                } catch (IllegalArgumentException e) {
                    throw new FieldException("presets[" + (i + 1) + "]: " + e.getMessage());
                }
            }
        }
        if (top.containsKey("personality")) {
            try {
                builder.personality(Personality.read(top.get("personality")));
            } catch (FieldException e) {
                throw new FieldException("personality: " + e.getMessage());
            }
        }
        if (top.containsKey("rules")) {
            List<Object> rules = list(top.get("rules"), "rules");
            for (int i = 0; i < rules.size(); i++) {
                builder.rule(rule(rules.get(i), i + 1));
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new FieldException(e.getMessage());
        }
    }

    private static Rule rule(Object node, int number) {
        String where = "rule " + number;
        Map<String, Object> fields = map(node, where);
        if (fields.get("id") != null) {
            where = "rule " + number + " (id \"" + fields.get("id") + "\")";
        }
        try {
            unknownKeys(fields, RULE_KEYS, "");
            String id = fields.containsKey("id") ? text(fields.get("id"), "id") : "rule-" + number;
            if (!fields.containsKey("stage")) {
                throw new FieldException("stage: missing; use one of " + stageKeys());
            }
            String stageName = text(fields.get("stage"), "stage");
            SmtpStage stage = SmtpStage.ofKey(stageName).orElseThrow(() -> new FieldException(
                    "stage: \"" + stageName + "\" is not a stage; use one of " + stageKeys()));
            Match match = fields.containsKey("match") ? RuleFields.match(fields.get("match"), "match")
                    : new Match.Anything();
            Schedule schedule = fields.containsKey("schedule") ? RuleFields.schedule(fields.get("schedule"))
                    : new Schedule.Always();
            if (!fields.containsKey("effect")) {
                throw new FieldException("effect: missing; use one of "
                        + String.join(", ", RuleFields.keys(RuleFields.EFFECTS)));
            }
            Effect effect = RuleFields.effect(fields.get("effect"));
            long uses = fields.containsKey("uses") ? count(fields.get("uses"), "uses") : 0;
            try {
                return new Rule(id, stage, match, schedule, effect, uses);
            } catch (IllegalArgumentException e) {
                throw new FieldException(e.getMessage());
            }
        } catch (FieldException e) {
            throw new FieldException(where + ": " + e.getMessage());
        }
    }

    private static String stageKeys() {
        List<String> keys = new ArrayList<>();
        for (SmtpStage stage : SmtpStage.values()) {
            keys.add(stage.key());
        }
        return String.join(", ", keys);
    }
}
