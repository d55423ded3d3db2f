package dev.smtplab.server.scenario;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The named failure modes. Each turns into rules or connection settings, with replies worded the
 * way real servers word them. A preset takes parameters after a colon, separated by semicolons:
 * {@code relay-denied:domains=example.test,example.org} or {@code rate-limit:per-minute=3}.
 */
public final class Presets {
    /** One named failure mode: what people read about it, and what it adds to a scenario. */
    private record Preset(String name, String description, BiConsumer<Scenario.Builder, Parameters> apply) {
    }

    /** Every preset, in the order the README lists them: the one place that knows them. */
    private static final List<Preset> ALL = List.of(
            new Preset("blocked", "the port looks firewalled: connects hang and time out",
                    (builder, parameters) -> builder.connectionMode(ConnectionMode.BLOCKED)),
            new Preset("refused", "nothing listens: connects are refused",
                    (builder, parameters) -> builder.connectionMode(ConnectionMode.REFUSED)),
            new Preset("silent", "connects succeed but no greeting ever comes",
                    (builder, parameters) -> builder.connectionMode(ConnectionMode.SILENT)),
            new Preset("reject-connection", "554 5.7.1 greeting, then close",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("reject-connection"),
                            SmtpStage.CONNECT, new Effect.ReplyAndClose(SmtpReply.of(554, "5.7.1",
                                    "Connection rejected: your address is not allowed to send mail here"))))),
            new Preset("invalid-sender", "553 5.1.7 for a malformed or listed sender; 550 5.1.8 for a listed sender "
                    + "domain (addresses=, domains=)", Presets::invalidSender),
            new Preset("unknown-recipient", "550 5.1.1 for every recipient, or those listed (addresses=)",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("unknown-recipient"), SmtpStage.RCPT,
                                    new Effect.Reply(SmtpReply.of(550, "5.1.1", "<{address}>: Recipient address "
                                            + "rejected: User unknown in local recipient table")))
                            .when(recipientsOrAll(parameters)))),
            new Preset("relay-denied", "554 5.7.1 for recipients outside the accepted domains (domains=; default "
                    + "localhost and the server's host name)",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("relay-denied"), SmtpStage.RCPT,
                                    new Effect.Reply(SmtpReply.of(554, "5.7.1", "<{address}>: Relay access denied")))
                            .when(new Match.Not(relayDomains(parameters))))),
            new Preset("mailbox-full", "452 4.2.2 for every recipient, or those listed (addresses=)",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("mailbox-full"), SmtpStage.RCPT,
                                    new Effect.Reply(SmtpReply.of(452, "4.2.2", "<{address}>: Mailbox full")))
                            .when(recipientsOrAll(parameters)))),
            new Preset("greylist", "451 4.7.1 for a first attempt per client, sender and recipient; a retry after "
                    + "retry-after= (default 60s) is accepted",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("greylist"), SmtpStage.RCPT,
                                    new Effect.Reply(SmtpReply.of(451, "4.7.1", "<{address}>: Recipient address "
                                            + "rejected: Greylisted, please try again later")))
                            .on(new Schedule.Greylist(parameters.duration("retry-after", Duration.ofSeconds(60)))))),
            new Preset("rate-limit", "421 4.7.0 past per-minute= connections a minute (default 3) or connections= at "
                    + "once per client address", (builder, parameters) -> {
                        builder.maxConnectionsPerMinute((int) parameters.number("per-minute",
                                parameters.has("connections") ? 0 : 3));
                        builder.maxConnectionsPerClient((int) parameters.number("connections", 0));
                    }),
            new Preset("auth-required", "530 5.7.0 at MAIL until the client authenticates",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("auth-required"), SmtpStage.MAIL,
                                    new Effect.Reply(SmtpReply.of(530, "5.7.0", "Authentication required")))
                            .when(new Match.Unauthenticated()))),
            new Preset("message-too-big", "552 5.3.4 after the final dot for messages over max= (default 0: every "
                    + "message)", (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("message-too-big"),
                            SmtpStage.MESSAGE, new Effect.Reply(SmtpReply.of(552, "5.3.4",
                                    "Message size exceeds fixed maximum message size")))
                    .when(new Match.Size(parameters.size("max", 0) + 1, Long.MAX_VALUE)))),
            new Preset("spam-rejected", "554 5.7.1 after the final dot",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("spam-rejected"), SmtpStage.MESSAGE,
                            new Effect.Reply(SmtpReply.of(554, "5.7.1", "Message rejected as spam by content filter"))))),
            new Preset("slow", "every reply, the greeting included, comes delay= late (default 2s)",
                    (builder, parameters) -> {
                        Duration delay = parameters.duration("delay", Duration.ofSeconds(2));
                        builder.rule(Rule.at(builder.uniqueId("slow-greeting"), SmtpStage.CONNECT,
                                new Effect.Delay(delay)));
                        builder.rule(Rule.at(builder.uniqueId("slow"), SmtpStage.ANY_COMMAND, new Effect.Delay(delay)));
                    }),
            new Preset("flaky", "MAIL, RCPT and DATA fail with 451 4.3.0 at random, probability= (default 0.3) from "
                    + "seed= (default 1)", (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("flaky"),
                                    SmtpStage.ANY_COMMAND, new Effect.Reply(SmtpReply.of(451, "4.3.0",
                                            "Temporary server error, please try again later")))
                            .when(new Match.Verb(List.of("MAIL", "RCPT", "DATA", "BDAT")))
                            .on(new Schedule.Probability(parameters.fraction("probability", 0.3),
                                    parameters.number("seed", 1))))),
            new Preset("starttls-refused", "454 4.7.0 to STARTTLS",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("starttls-refused"),
                            SmtpStage.STARTTLS, new Effect.Reply(SmtpReply.of(454, "4.7.0",
                                    "TLS not available due to temporary reason"))))),
            new Preset("tls-handshake-failure", "220 to STARTTLS, then a fatal handshake_failure alert",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("tls-handshake-failure"),
                            SmtpStage.STARTTLS, new Effect.FailTlsHandshake()))),
            new Preset("auth-refused", "535 5.7.8 to AUTH",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("auth-refused"), SmtpStage.AUTH,
                            new Effect.Reply(SmtpReply.of(535, "5.7.8", "Authentication credentials invalid"))))),
            new Preset("auth-tempfail", "454 4.7.0 to AUTH",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("auth-tempfail"), SmtpStage.AUTH,
                            new Effect.Reply(SmtpReply.of(454, "4.7.0", "Temporary authentication failure"))))),
            new Preset("bounce-later", "every recipient, or those listed (addresses=), is accepted, then bounces "
                    + "after= (default 5s) with a failure notification (DSN) giving 550 5.1.1, or reply=",
                    (builder, parameters) -> noticeLater(builder, parameters, "bounce-later", Effect.Bounce.DEFAULT_REPLY,
                            Effect.Bounce::new)),
            new Preset("soft-bounce-later", "every recipient, or those listed (addresses=), is accepted, then gets a "
                    + "\"delayed, still trying\" notification (DSN) after= (default 5s) giving 451 4.4.1, or reply=",
                    (builder, parameters) -> noticeLater(builder, parameters, "soft-bounce-later",
                            Effect.DelayNotice.DEFAULT_REPLY, Effect.DelayNotice::new)),
            new Preset("drop-during-data", "after the 354, the connection is reset once after= octets (default 0) "
                    + "of the message arrived",
                    (builder, parameters) -> builder.rule(Rule.at(builder.uniqueId("drop-during-data"),
                            SmtpStage.DATA, new Effect.DropMidMessage(parameters.size("after", 0))))));

    /** Name and one-line description of every preset, in the order the README lists them. */
    public static final Map<String, String> DESCRIPTIONS = descriptions();

    private Presets() {
    }

    private static Map<String, String> descriptions() {
        Map<String, String> map = new LinkedHashMap<>();
        for (Preset preset : ALL) {
            map.put(preset.name(), preset.description());
        }
        return Collections.unmodifiableMap(map);
    }

    static void apply(String spec, Scenario.Builder builder) {
        String trimmed = spec.trim();
        int colon = trimmed.indexOf(':');
        String name = (colon < 0 ? trimmed : trimmed.substring(0, colon)).toLowerCase(Locale.ROOT);
        Preset preset = ALL.stream().filter(candidate -> candidate.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown preset \"" + name + "\": use one of "
                        + String.join(", ", DESCRIPTIONS.keySet())));
        Parameters parameters = Parameters.parse(name, colon < 0 ? "" : trimmed.substring(colon + 1));
        preset.apply().accept(builder, parameters);
        parameters.requireAllUsed();
    }

    private static void invalidSender(Scenario.Builder builder, Parameters parameters) {
        SmtpReply invalid = SmtpReply.of(553, "5.1.7", "<{address}>: Sender address rejected: not a valid address");
        builder.rule(Rule.at(builder.uniqueId("invalid-sender"), SmtpStage.MAIL, new Effect.Reply(invalid))
                .when(new Match.SenderInvalid()));
        List<String> addresses = parameters.list("addresses", List.of());
        for (String address : addresses) {
            builder.rule(Rule.at(builder.uniqueId("invalid-sender-listed"), SmtpStage.MAIL, new Effect.Reply(invalid))
                    .when(new Match.Sender(Match.TextPattern.glob(address))));
        }
        List<String> domains = parameters.list("domains", List.of());
        if (!domains.isEmpty()) {
            builder.rule(Rule.at(builder.uniqueId("invalid-sender-domain"), SmtpStage.MAIL,
                            new Effect.Reply(SmtpReply.of(550, "5.1.8",
                                    "<{address}>: Sender address rejected: Domain not found")))
                    .when(new Match.SenderDomain(domains)));
        }
    }

    private static Match recipientsOrAll(Parameters parameters) {
        List<String> addresses = parameters.list("addresses", List.of());
        if (addresses.isEmpty()) {
            return new Match.Anything();
        }
        return new Match.AnyOf(addresses.stream()
                .<Match>map(address -> new Match.Recipient(Match.TextPattern.glob(address))).toList());
    }

    private static Match relayDomains(Parameters parameters) {
        List<String> domains = parameters.list("domains", List.of());
        return domains.isEmpty() ? new Match.RecipientLocal() : new Match.RecipientDomain(domains);
    }

    /** A preset's key=value parameters; every one given must be one the preset reads. */
    /** A rule at RCPT for every recipient, or those in addresses=: accept, then a notification giving reply= after after=. */
    private static void noticeLater(Scenario.Builder builder, Parameters parameters, String name, SmtpReply defaultReply,
                                    java.util.function.BiFunction<SmtpReply, Duration, Effect> effect) {
        builder.rule(Rule.at(builder.uniqueId(name), SmtpStage.RCPT, effect.apply(parameters.reply("reply", defaultReply),
                        parameters.duration("after", Duration.ofSeconds(5))))
                .when(recipientsOrAll(parameters)));
    }

    private static final class Parameters {
        private final String preset;
        private final Map<String, String> values;
        private final Set<String> used = new HashSet<>();

        private Parameters(String preset, Map<String, String> values) {
            this.preset = preset;
            this.values = values;
        }

        static Parameters parse(String preset, String text) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String pair : text.split(";")) {
                if (pair.isBlank()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("preset " + preset + ": \"" + pair.trim()
                            + "\" is not key=value");
                }
                values.put(pair.substring(0, equals).trim().toLowerCase(Locale.ROOT), pair.substring(equals + 1).trim());
            }
            return new Parameters(preset, values);
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        private String raw(String key) {
            used.add(key);
            return values.get(key);
        }

        List<String> list(String key, List<String> fallback) {
            String value = raw(key);
            return value == null ? fallback
                    : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }

        Duration duration(String key, Duration fallback) {
            String value = raw(key);
            return value == null ? fallback : wrap(key, () -> Values.parseDuration(value));
        }

        /** A reply such as "550 5.1.1 No such user" (no ";", which separates the parameters). */
        SmtpReply reply(String key, SmtpReply fallback) {
            String value = raw(key);
            if (value == null) {
                return fallback;
            }
            try {
                return SmtpReply.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("preset " + preset + ": " + key + ": " + e.getMessage());
            }
        }

        long size(String key, long fallback) {
            String value = raw(key);
            return value == null ? fallback : wrap(key, () -> Values.parseSize(value));
        }

        long number(String key, long fallback) {
            String value = raw(key);
            if (value == null) {
                return fallback;
            }
            return wrap(key, () -> {
                long number = Long.parseLong(value);
                if (number < 0) {
                    throw new IllegalArgumentException("\"" + value + "\" may not be negative");
                }
                return number;
            });
        }

        double fraction(String key, double fallback) {
            String value = raw(key);
            return value == null ? fallback : wrap(key, () -> {
                double number = Double.parseDouble(value);
                if (!(number >= 0 && number <= 1)) {
                    throw new IllegalArgumentException("\"" + value + "\" is not between 0 and 1");
                }
                return number;
            });
        }

        private <T> T wrap(String key, java.util.function.Supplier<T> parse) {
            try {
                return parse.get();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("preset " + preset + ": " + key + "=\"" + values.get(key)
                        + "\" is not a number");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("preset " + preset + ": " + key + ": " + e.getMessage());
            }
        }

        void requireAllUsed() {
            for (String key : values.keySet()) {
                if (!used.contains(key)) {
                    throw new IllegalArgumentException("preset " + preset + " has no parameter \"" + key + "\"");
                }
            }
        }
    }
}
