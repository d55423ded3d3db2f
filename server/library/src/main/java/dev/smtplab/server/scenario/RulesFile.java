package dev.smtplab.server.scenario;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a scenario from YAML (see the README's "Rules files"). Every mistake is reported with the
 * rule (number and id) and the field, and nothing half-read is used.
 */
public final class RulesFile {
    private static final Set<String> TOP_KEYS = Set.of("connection", "limits", "magic-addresses", "presets", "rules");
    private static final Set<String> RULE_KEYS = Set.of("id", "stage", "match", "schedule", "effect", "uses");
    private static final Set<String> EFFECT_KEYS = new LinkedHashSet<>(List.of("reply", "reply-and-close", "reset",
            "delay", "silence", "throttle", "discard", "drop-mid-message", "fail-tls-handshake"));
    private static final List<String> MATCH_KEYS = List.of("argument", "argument-regex", "sender", "sender-regex",
            "sender-domain", "sender-invalid", "recipient", "recipient-regex", "recipient-domain", "recipient-local",
            "helo", "helo-regex", "client", "auth-user", "unauthenticated", "verb", "size-at-least", "size-at-most",
            "header", "not", "any-of", "all-of", "anything");

    private RulesFile() {
    }

    /** Thrown for a rules file that cannot be used; the message says where and what. */
    public static final class InvalidRulesException extends IllegalArgumentException {
        public InvalidRulesException(String message) {
            super(message);
        }
    }

    public static Scenario read(Path file) {
        String name = file.toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, name);
        } catch (IOException e) {
            throw new InvalidRulesException("rules file " + name + ": cannot read it: " + e.getMessage());
        }
    }

    /** Reads a scenario; {@code name} is how messages refer to the source. */
    public static Scenario parse(Reader reader, String name) {
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
            return scenario(document);
        } catch (FieldException e) {
            throw new InvalidRulesException("rules file " + name + ": " + e.getMessage());
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

    /** A mistake at a place in the file. */
    private static final class FieldException extends RuntimeException {
        FieldException(String message) {
            super(message);
        }
    }

    private static Scenario scenario(Object document) {
        if (document == null) {
            return Scenario.none();
        }
        Map<String, Object> top = map(document, "the file");
        unknownKeys(top, TOP_KEYS, "");
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
            Match match = fields.containsKey("match") ? match(fields.get("match"), "match") : new Match.Anything();
            Schedule schedule = fields.containsKey("schedule") ? schedule(fields.get("schedule")) : new Schedule.Always();
            if (!fields.containsKey("effect")) {
                throw new FieldException("effect: missing; use one of " + String.join(", ", EFFECT_KEYS));
            }
            Effect effect = effect(fields.get("effect"));
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

    private static Match match(Object node, String where) {
        Map<String, Object> fields = map(node, where);
        List<Match> matches = new ArrayList<>();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            String key = where + "." + field.getKey();
            Object value = field.getValue();
            if (field.getKey().equals("size-at-most") && fields.containsKey("size-at-least")) {
                continue; // one Size with both bounds, made at size-at-least
            }
            matches.add(switch (field.getKey()) {
                case "argument" -> new Match.Argument(Match.TextPattern.glob(text(value, key)));
                case "argument-regex" -> new Match.Argument(regex(value, key));
                case "sender" -> new Match.Sender(Match.TextPattern.glob(text(value, key)));
                case "sender-regex" -> new Match.Sender(regex(value, key));
                case "sender-domain" -> new Match.SenderDomain(texts(value, key));
                case "recipient" -> new Match.Recipient(Match.TextPattern.glob(text(value, key)));
                case "recipient-regex" -> new Match.Recipient(regex(value, key));
                case "recipient-domain" -> new Match.RecipientDomain(texts(value, key));
                case "helo" -> new Match.Helo(Match.TextPattern.glob(text(value, key)));
                case "client" -> {
                    try {
                        yield new Match.Client(Match.Cidr.parse(text(value, key)));
                    } catch (IllegalArgumentException e) {
                        throw new FieldException(key + ": " + e.getMessage());
                    }
                }
                case "auth-user" -> new Match.AuthUser(text(value, key));
                case "unauthenticated" -> {
                    if (!Boolean.TRUE.equals(value)) {
                        throw new FieldException(key + ": only \"true\" makes sense here");
                    }
                    yield new Match.Unauthenticated();
                }
                case "verb" -> new Match.Verb(texts(value, key));
                case "size-at-least" -> {
                    long atMost = fields.containsKey("size-at-most")
                            ? size(fields.get("size-at-most"), "match.size-at-most") : Long.MAX_VALUE;
                    yield new Match.Size(size(value, key), atMost);
                }
                case "size-at-most" -> new Match.Size(0, size(value, key));
                case "header" -> {
                    Map<String, Object> header = map(value, key);
                    unknownKeys(header, Set.of("name", "value", "value-regex"), key + ".");
                    if (!header.containsKey("name")) {
                        throw new FieldException(key + ".name: missing");
                    }
                    Match.TextPattern pattern = header.containsKey("value-regex")
                            ? regex(header.get("value-regex"), key + ".value-regex")
                            : Match.TextPattern.glob(header.containsKey("value")
                                    ? text(header.get("value"), key + ".value") : "*");
                    yield new Match.Header(text(header.get("name"), key + ".name"), pattern);
                }
                case "helo-regex" -> new Match.Helo(regex(value, key));
                case "anything" -> flag(value, key, new Match.Anything());
                case "sender-invalid" -> flag(value, key, new Match.SenderInvalid());
                case "recipient-local" -> flag(value, key, new Match.RecipientLocal());
                case "not" -> new Match.Not(match(value, key));
                case "any-of" -> new Match.AnyOf(matches(value, key));
                case "all-of" -> new Match.AllOf(matches(value, key));
                default -> throw new FieldException(key + ": unknown field; use " + String.join(", ", MATCH_KEYS));
            });
        }
        if (matches.isEmpty()) {
            throw new FieldException(where + ": give at least one field; use " + String.join(", ", MATCH_KEYS));
        }
        return matches.size() == 1 ? matches.get(0) : new Match.AllOf(matches);
    }

    /** A list of matches, for any-of and all-of. */
    private static List<Match> matches(Object value, String key) {
        List<Object> items = list(value, key);
        if (items.isEmpty()) {
            throw new FieldException(key + ": give at least one match");
        }
        List<Match> matches = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            matches.add(match(items.get(i), key + "[" + (i + 1) + "]"));
        }
        return matches;
    }

    private static Schedule schedule(Object node) {
        if ("always".equals(node)) {
            return new Schedule.Always();
        }
        Map<String, Object> fields = map(node, "schedule");
        unknownKeys(fields, Set.of("first", "every", "probability", "seed", "greylist"), "schedule.");
        try {
            if (fields.containsKey("first")) {
                return new Schedule.FirstN(count(fields.get("first"), "schedule.first"));
            }
            if (fields.containsKey("every")) {
                return new Schedule.EveryNth(count(fields.get("every"), "schedule.every"));
            }
            if (fields.containsKey("probability")) {
                Object p = fields.get("probability");
                if (!(p instanceof Number number)) {
                    throw new FieldException("schedule.probability: expected a number from 0 to 1, got " + describe(p));
                }
                long seed = fields.containsKey("seed") ? count(fields.get("seed"), "schedule.seed") : 1;
                try {
                    return new Schedule.Probability(number.doubleValue(), seed);
                } catch (IllegalArgumentException e) {
                    throw new FieldException("schedule.probability: " + e.getMessage());
                }
            }
            if (fields.containsKey("greylist")) {
                return new Schedule.Greylist(duration(fields.get("greylist"), "schedule.greylist"));
            }
        } catch (IllegalArgumentException e) {
            throw new FieldException(e.getMessage());
        }
        throw new FieldException("schedule: use always, or one of first, every, probability (with seed) or greylist");
    }

    private static Effect effect(Object node) {
        Map<String, Object> fields = map(node, "effect");
        unknownKeys(fields, EFFECT_KEYS, "effect.");
        if (fields.size() != 1) {
            throw new FieldException("effect: give exactly one of " + String.join(", ", EFFECT_KEYS)
                    + " (got " + fields.size() + ")");
        }
        Map.Entry<String, Object> only = fields.entrySet().iterator().next();
        String key = "effect." + only.getKey();
        Object value = only.getValue();
        try {
            return switch (only.getKey()) {
                case "reply" -> new Effect.Reply(reply(value, key));
                case "reply-and-close" -> new Effect.ReplyAndClose(reply(value, key));
                case "reset" -> flag(value, key, new Effect.Reset());
                case "silence" -> flag(value, key, new Effect.Silence());
                case "discard" -> flag(value, key, new Effect.Discard());
                case "delay" -> new Effect.Delay(duration(value, key));
                case "throttle" -> new Effect.Throttle(count(value, key));
                case "drop-mid-message" -> new Effect.DropMidMessage(size(value, key));
                case "fail-tls-handshake" -> flag(value, key, new Effect.FailTlsHandshake());
                default -> throw new FieldException(key + ": unknown effect");
            };
        } catch (IllegalArgumentException e) {
            throw new FieldException(key + ": " + e.getMessage());
        }
    }

    private static SmtpReply reply(Object value, String key) {
        String text = value instanceof List<?> lines
                ? String.join("\n", lines.stream().map(String::valueOf).toList()) : text(value, key);
        try {
            return SmtpReply.parse(text);
        } catch (IllegalArgumentException e) {
            throw new FieldException(key + ": " + e.getMessage());
        }
    }

    private static <T> T flag(Object value, String key, T effect) {
        if (!Boolean.TRUE.equals(value)) {
            throw new FieldException(key + ": write \"" + key.substring(key.indexOf('.') + 1) + ": true\"");
        }
        return effect;
    }

    private static Match.TextPattern regex(Object value, String key) {
        String text = text(value, key);
        try {
            return Match.TextPattern.regex(text);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new FieldException(key + ": not a valid regular expression: " + e.getDescription());
        }
    }

    private static Duration duration(Object value, String key) {
        try {
            return Values.parseDuration(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new FieldException(key + ": " + e.getMessage());
        }
    }

    private static long size(Object value, String key) {
        try {
            return Values.parseSize(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new FieldException(key + ": " + e.getMessage());
        }
    }

    private static int count(Object value, String key) {
        if (value instanceof Integer number && number >= 0) {
            return number;
        }
        throw new FieldException(key + ": expected a whole number, 0 or more, got " + describe(value));
    }

    private static String text(Object value, String key) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new FieldException(key + ": expected text, got " + describe(value));
    }

    private static List<String> texts(Object value, String key) {
        if (value instanceof List<?> items) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                texts.add(text(items.get(i), key + "[" + (i + 1) + "]"));
            }
            return texts;
        }
        return List.of(text(value, key));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String key) {
        if (value instanceof Map<?, ?> map) {
            for (Object name : map.keySet()) {
                if (!(name instanceof String)) {
                    throw new FieldException(key + ": field names must be text, got " + describe(name));
                }
            }
            return (Map<String, Object>) map;
        }
        throw new FieldException(key + ": expected fields (name: value), got " + describe(value));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String key) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new FieldException(key + ": expected a list (lines starting with \"- \"), got " + describe(value));
    }

    private static void unknownKeys(Map<String, Object> fields, Set<String> known, String prefix) {
        for (String key : fields.keySet()) {
            if (!known.contains(key)) {
                throw new FieldException(prefix + key + ": unknown field; use " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map) {
            return "fields";
        }
        if (value instanceof List) {
            return "a list";
        }
        return "\"" + value + "\"";
    }

    private static String stageKeys() {
        List<String> keys = new ArrayList<>();
        for (SmtpStage stage : SmtpStage.values()) {
            keys.add(stage.key());
        }
        return String.join(", ", keys);
    }
}
