package dev.smtplab.server.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything that makes the server fail: how its port behaves, connection limits, and the rules,
 * tried in order. An immutable value; the server holds the current one and it can be swapped while
 * the server runs.
 *
 * @param connectionMode          how the port behaves before any SMTP
 * @param maxConnectionsPerClient concurrent connections one client address may have; 0 for no limit
 * @param maxConnectionsPerMinute connections one client address may open per minute; 0 for no limit
 * @param magicAddresses          whether reject-NNN@, tempfail-NNN@ and delay-Ns@ addresses work
 * @param presets                 the presets this scenario was built from, for display
 */
public record Scenario(ConnectionMode connectionMode, List<Rule> rules, int maxConnectionsPerClient,
                       int maxConnectionsPerMinute, boolean magicAddresses, List<String> presets) {

    public Scenario {
        Objects.requireNonNull(connectionMode, "connectionMode");
        rules = List.copyOf(rules);
        presets = List.copyOf(presets);
        Set<String> ids = new HashSet<>();
        for (Rule rule : rules) {
            if (!ids.add(rule.id())) {
                throw new IllegalArgumentException("two rules have the id \"" + rule.id() + "\": ids must be unique");
            }
        }
        if (maxConnectionsPerClient < 0 || maxConnectionsPerMinute < 0) {
            throw new IllegalArgumentException("connection limits must be 0 (none) or more");
        }
    }

    /** No failures: a well-behaved server, magic addresses on. */
    public static Scenario none() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.connectionMode = connectionMode;
        builder.rules.addAll(rules);
        builder.maxConnectionsPerClient = maxConnectionsPerClient;
        builder.maxConnectionsPerMinute = maxConnectionsPerMinute;
        builder.magicAddresses = magicAddresses;
        builder.presets.addAll(presets);
        return builder;
    }

    public static final class Builder {
        private ConnectionMode connectionMode = ConnectionMode.NORMAL;
        private final List<Rule> rules = new ArrayList<>();
        private int maxConnectionsPerClient;
        private int maxConnectionsPerMinute;
        private boolean magicAddresses = true;
        private final List<String> presets = new ArrayList<>();

        private Builder() {
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

        /** Adds a preset by name, with parameters: "greylist", "greylist:retry-after=5s". */
        public Builder preset(String spec) {
            Presets.apply(spec, this);
            presets.add(spec);
            return this;
        }

        /** The rule ids used so far, so presets can pick fresh ones. */
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
            return new Scenario(connectionMode, rules, maxConnectionsPerClient, maxConnectionsPerMinute,
                    magicAddresses, presets);
        }
    }
}
