package dev.smtplab.server.scenario;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.time.Duration;
import java.util.ArrayList;
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

    /** A whole scenario: connection, limits, magic-addresses, presets and the custom rules. */
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
            fields.put("match", match(rule.match()));
        }
        if (!(rule.schedule() instanceof Schedule.Always)) {
            fields.put("schedule", schedule(rule.schedule()));
        }
        fields.put("effect", effect(rule.effect()));
        if (rule.maxUses() > 0) {
            fields.put("uses", number(rule.maxUses()));
        }
        return fields;
    }

    static Map<String, Object> match(Match match) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (match instanceof Match.AllOf all) {
            if (!mergeable(all)) {
                fields.put("all-of", all.matches().stream().map(RulesWriter::match).toList());
                return fields;
            }
            all.matches().forEach(each -> fields.putAll(match(each)));
            return fields;
        }
        if (match instanceof Match.Anything) {
            fields.put("anything", true);
        } else if (match instanceof Match.Argument argument) {
            pattern(fields, "argument", argument.pattern());
        } else if (match instanceof Match.Verb verb) {
            fields.put("verb", verb.verbs());
        } else if (match instanceof Match.SenderInvalid) {
            fields.put("sender-invalid", true);
        } else if (match instanceof Match.Unauthenticated) {
            fields.put("unauthenticated", true);
        } else if (match instanceof Match.Not not) {
            fields.put("not", match(not.match()));
        } else if (match instanceof Match.Sender sender) {
            pattern(fields, "sender", sender.address());
        } else if (match instanceof Match.SenderDomain domain) {
            fields.put("sender-domain", domain.domains());
        } else if (match instanceof Match.Recipient recipient) {
            pattern(fields, "recipient", recipient.address());
        } else if (match instanceof Match.RecipientDomain domain) {
            fields.put("recipient-domain", domain.domains());
        } else if (match instanceof Match.Helo helo) {
            pattern(fields, "helo", helo.name());
        } else if (match instanceof Match.Client client) {
            fields.put("client", client.block().source());
        } else if (match instanceof Match.AuthUser user) {
            fields.put("auth-user", user.user());
        } else if (match instanceof Match.Size size) {
            if (size.atLeast() > 0) {
                fields.put("size-at-least", number(size.atLeast()));
            }
            if (size.atMost() < Long.MAX_VALUE) {
                fields.put("size-at-most", number(size.atMost()));
            }
        } else if (match instanceof Match.Header header) {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("name", header.name());
            pattern(value, "value", header.value());
            fields.put("header", value);
        } else if (match instanceof Match.RecipientLocal) {
            fields.put("recipient-local", true);
        } else if (match instanceof Match.AnyOf any) {
            fields.put("any-of", any.matches().stream().map(RulesWriter::match).toList());
        } else {
            throw new IllegalStateException("no rules-file form for " + match);
        }
        return fields;
    }

    /**
     * An all-of can be written as one map of fields when each part writes fields of its own, no
     * two alike (and more than one part: one alone reads back as itself, not as an all-of).
     */
    private static boolean mergeable(Match.AllOf all) {
        if (all.matches().size() < 2) {
            return false;
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Match each : all.matches()) {
            if (each instanceof Match.AllOf || each instanceof Match.Size) {
                return false;
            }
            for (String key : match(each).keySet()) {
                if (!keys.add(key)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void pattern(Map<String, Object> fields, String key, Match.TextPattern pattern) {
        if (pattern.isRegex()) {
            fields.put(key + "-regex", pattern.expression());
        } else {
            fields.put(key, pattern.source());
        }
    }

    static Object schedule(Schedule schedule) {
        if (schedule instanceof Schedule.FirstN first) {
            return Map.of("first", number(first.count()));
        } else if (schedule instanceof Schedule.EveryNth every) {
            return Map.of("every", number(every.n()));
        } else if (schedule instanceof Schedule.Probability probability) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("probability", probability.probability());
            fields.put("seed", number(probability.seed()));
            return fields;
        } else if (schedule instanceof Schedule.Greylist greylist) {
            return Map.of("greylist", duration(greylist.retryAfter()));
        }
        return "always";
    }

    static Map<String, Object> effect(Effect effect) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (effect instanceof Effect.Reply reply) {
            fields.put("reply", reply(reply.reply()));
        } else if (effect instanceof Effect.ReplyAndClose reply) {
            fields.put("reply-and-close", reply(reply.reply()));
        } else if (effect instanceof Effect.Reset) {
            fields.put("reset", true);
        } else if (effect instanceof Effect.Delay delay) {
            fields.put("delay", duration(delay.delay()));
        } else if (effect instanceof Effect.Silence) {
            fields.put("silence", true);
        } else if (effect instanceof Effect.Throttle throttle) {
            fields.put("throttle", number(throttle.bytesPerSecond()));
        } else if (effect instanceof Effect.FailTlsHandshake) {
            fields.put("fail-tls-handshake", true);
        } else if (effect instanceof Effect.DropMidMessage drop) {
            fields.put("drop-mid-message", number(drop.afterOctets()));
        } else if (effect instanceof Effect.Discard) {
            fields.put("discard", true);
        }
        return fields;
    }

    /** One line as "550 5.1.1 text"; several as a list whose first line has the code. */
    private static Object reply(SmtpReply reply) {
        StringBuilder first = new StringBuilder().append(reply.code());
        if (reply.enhancedCode() != null) {
            first.append(' ').append(reply.enhancedCode());
        }
        if (!reply.lines().get(0).isEmpty()) {
            first.append(' ').append(reply.lines().get(0));
        }
        if (reply.lines().size() == 1) {
            return first.toString();
        }
        List<String> lines = new ArrayList<>();
        lines.add(first.toString());
        lines.addAll(reply.lines().subList(1, reply.lines().size()));
        return lines;
    }

    private static String duration(Duration duration) {
        return duration.toMillis() + "ms";
    }

    /** Whole numbers as YAML and JSON readers give them back: an int when it fits. */
    private static Object number(long value) {
        return value <= Integer.MAX_VALUE ? (Object) (int) value : (Object) value;
    }
}
