package dev.smtplab.server.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Everything that makes the server fail: how its port behaves, connection limits, custom rules and
 * presets. An immutable value; the server holds the current one and it can be swapped while it runs.
 * Presets are kept by name and expanded here, after the custom rules, so one can be turned off
 * again without touching the rest.
 */
public final class Scenario {
    private final ConnectionMode baseConnectionMode;
    private final List<Rule> customRules;
    private final int baseMaxConnectionsPerClient;
    private final int baseMaxConnectionsPerMinute;
    private final boolean magicAddresses;
    private final List<String> presets;
    private final Personality personality;

    private final ConnectionMode connectionMode;
    private final List<Rule> rules;
    private final int maxConnectionsPerClient;
    private final int maxConnectionsPerMinute;

    private Scenario(Builder builder) {
        this.baseConnectionMode = builder.connectionMode;
        this.customRules = List.copyOf(builder.rules);
        this.baseMaxConnectionsPerClient = builder.maxConnectionsPerClient;
        this.baseMaxConnectionsPerMinute = builder.maxConnectionsPerMinute;
        this.magicAddresses = builder.magicAddresses;
        this.presets = List.copyOf(builder.presets);
        this.personality = builder.personality;
        if (baseMaxConnectionsPerClient < 0 || baseMaxConnectionsPerMinute < 0) {
            throw new IllegalArgumentException("connection limits must be 0 (none) or more");
        }
        Builder expanded = builder.copyWithoutPresets();
        for (String preset : presets) {
            Presets.apply(preset, expanded);
        }
        this.connectionMode = expanded.connectionMode;
        this.rules = List.copyOf(expanded.rules);
        this.maxConnectionsPerClient = expanded.maxConnectionsPerClient;
        this.maxConnectionsPerMinute = expanded.maxConnectionsPerMinute;
        Set<String> ids = new HashSet<>();
        for (Rule rule : rules) {
            if (!ids.add(rule.id())) {
                throw new IllegalArgumentException("two rules have the id \"" + rule.id() + "\": ids must be unique");
            }
        }
    }

    /** No failures: a well-behaved server, magic addresses on. */
    public static Scenario none() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How the port behaves: a preset's mode (blocked, refused, silent) wins over the base one. */
    public ConnectionMode connectionMode() {
        return connectionMode;
    }

    /** Every rule in force, in the order they are tried: custom rules, then the presets' rules. */
    public List<Rule> rules() {
        return rules;
    }

    /** The rules added one by one (a rules file, the API), without the presets' rules. */
    public List<Rule> customRules() {
        return customRules;
    }

    /** The presets turned on, as written ("greylist:retry-after=5s"). */
    public List<String> presets() {
        return presets;
    }

    /** Concurrent connections one client address may have; 0 for no limit. */
    public int maxConnectionsPerClient() {
        return maxConnectionsPerClient;
    }

    /** Connections one client address may open per minute; 0 for no limit. */
    public int maxConnectionsPerMinute() {
        return maxConnectionsPerMinute;
    }

    public boolean magicAddresses() {
        return magicAddresses;
    }

    /** How the server words its greeting, EHLO reply and positive replies; empty for SMTP Lab's own. */
    public java.util.Optional<Personality> personality() {
        return java.util.Optional.ofNullable(personality);
    }

    /** This scenario with another personality (null for SMTP Lab's own). */
    public Scenario withPersonality(Personality personality) {
        return toBuilder().personality(personality).build();
    }

    /** The name of a preset spec: "greylist" for "greylist:retry-after=5s". */
    public static String presetName(String spec) {
        int colon = spec.indexOf(':');
        return (colon < 0 ? spec : spec.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    }

    /** This scenario with the preset on (replacing the same preset with other parameters). */
    /**
     * This scenario with the preset on (its parameters replaced if it was on already). The port
     * modes (blocked, refused, silent) are one choice: turning one on turns the others off.
     */
    public Scenario withPreset(String spec) {
        Builder builder = toBuilder();
        String name = presetName(spec);
        builder.presets.removeIf(existing -> presetName(existing).equals(name)
                || (PORT_MODES.contains(name) && PORT_MODES.contains(presetName(existing))));
        return builder.preset(spec).build();
    }

    /** The presets that set the port's mode; at most one is on. */
    public static final java.util.Set<String> PORT_MODES = java.util.Set.of("blocked", "refused", "silent");

    public Scenario withoutPreset(String name) {
        Builder builder = toBuilder();
        builder.presets.removeIf(existing -> presetName(existing).equals(presetName(name)));
        return builder.build();
    }

    /**
     * This scenario with one of its own rules replaced where it stands (the order of rules is the
     * order they are tried in); the new rule may have a new id, unless another rule has it.
     *
     * @throws IllegalArgumentException when no rule of its own has the id, or ids would clash
     */
    public Scenario withRuleReplaced(String id, Rule rule) {
        Builder builder = toBuilder();
        int index = -1;
        for (int i = 0; i < builder.rules.size(); i++) {
            if (builder.rules.get(i).id().equals(id)) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("no rule \"" + id + "\" of this scenario's own");
        }
        builder.rules.set(index, Objects.requireNonNull(rule));
        return builder.build();
    }

    public Scenario withRule(Rule rule) {
        return toBuilder().rule(rule).build();
    }

    public Scenario withoutRule(String id) {
        Builder builder = toBuilder();
        builder.rules.removeIf(rule -> rule.id().equals(id));
        return builder.build();
    }

    /** The connection mode as set, before presets change it; what a rules file says under "connection". */
    ConnectionMode ownConnectionMode() {
        return baseConnectionMode;
    }

    int ownMaxConnectionsPerClient() {
        return baseMaxConnectionsPerClient;
    }

    int ownMaxConnectionsPerMinute() {
        return baseMaxConnectionsPerMinute;
    }

    public Builder toBuilder() {
        Builder builder = copy(baseConnectionMode, customRules, baseMaxConnectionsPerClient,
                baseMaxConnectionsPerMinute, magicAddresses);
        builder.presets.addAll(presets);
        builder.personality = personality;
        return builder;
    }

    private static Builder copy(ConnectionMode mode, List<Rule> rules, int perClient, int perMinute, boolean magic) {
        Builder builder = new Builder();
        builder.connectionMode = mode;
        builder.rules.addAll(rules);
        builder.maxConnectionsPerClient = perClient;
        builder.maxConnectionsPerMinute = perMinute;
        builder.magicAddresses = magic;
        return builder;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Scenario that && that.baseConnectionMode == baseConnectionMode
                && that.customRules.equals(customRules) && that.presets.equals(presets)
                && that.baseMaxConnectionsPerClient == baseMaxConnectionsPerClient
                && that.baseMaxConnectionsPerMinute == baseMaxConnectionsPerMinute
                && that.magicAddresses == magicAddresses && Objects.equals(that.personality, personality);
    }

    @Override
    public int hashCode() {
        return Objects.hash(baseConnectionMode, customRules, presets, baseMaxConnectionsPerClient,
                baseMaxConnectionsPerMinute, magicAddresses, personality);
    }

    @Override
    public String toString() {
        return "Scenario[port=" + connectionMode.key() + ", presets=" + presets + ", rules="
                + rules.stream().map(Rule::id).toList() + "]";
    }

    public static final class Builder {
        private ConnectionMode connectionMode = ConnectionMode.NORMAL;
        private final List<Rule> rules = new ArrayList<>();
        private int maxConnectionsPerClient;
        private int maxConnectionsPerMinute;
        private boolean magicAddresses = true;
        private final List<String> presets = new ArrayList<>();
        private Personality personality;

        private Builder() {
        }

        /** The server's words (null for SMTP Lab's own); see {@link Personality}. */
        public Builder personality(Personality personality) {
            this.personality = personality;
            return this;
        }

        public Builder connectionMode(ConnectionMode mode) {
            this.connectionMode = Objects.requireNonNull(mode);
            return this;
        }

        public Builder rule(Rule rule) {
            rules.add(Objects.requireNonNull(rule));
            return this;
        }

        public Builder rules(List<Rule> more) {
            more.forEach(this::rule);
            return this;
        }

        /** Rules tried before those added so far: delays that must apply whatever rule then decides. */
        public Builder rulesFirst(List<Rule> first) {
            first.forEach(Objects::requireNonNull);
            rules.addAll(0, first);
            return this;
        }

        public Builder maxConnectionsPerClient(int max) {
            this.maxConnectionsPerClient = max;
            return this;
        }

        public Builder maxConnectionsPerMinute(int max) {
            this.maxConnectionsPerMinute = max;
            return this;
        }

        public Builder magicAddresses(boolean on) {
            this.magicAddresses = on;
            return this;
        }

        /**
         * Adds a preset by name, with parameters: "greylist", "greylist:retry-after=5s".
         *
         * @throws IllegalArgumentException at once for an unknown preset or parameter
         */
        public Builder preset(String spec) {
            Presets.apply(spec, copyWithoutPresets());
            presets.add(spec.trim());
            return this;
        }

        Builder copyWithoutPresets() {
            return copy(connectionMode, rules, maxConnectionsPerClient, maxConnectionsPerMinute, magicAddresses);
        }

        /** A rule id not used yet, so presets can pick fresh ones: "greylist", then "greylist-2". */
        String uniqueId(String base) {
            String id = base;
            int suffix = 2;
            while (true) {
                String candidate = id;
                if (rules.stream().noneMatch(rule -> rule.id().equals(candidate))) {
                    return candidate;
                }
                id = base + "-" + suffix++;
            }
        }

        public Scenario build() {
            return new Scenario(this);
        }
    }
}
