package dev.smtplab.server.scenario;

import dev.smtplab.server.scenario.FieldValues.FieldException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import static dev.smtplab.server.scenario.FieldValues.count;
import static dev.smtplab.server.scenario.FieldValues.describe;
import static dev.smtplab.server.scenario.FieldValues.duration;
import static dev.smtplab.server.scenario.FieldValues.durationValue;
import static dev.smtplab.server.scenario.FieldValues.flag;
import static dev.smtplab.server.scenario.FieldValues.list;
import static dev.smtplab.server.scenario.FieldValues.map;
import static dev.smtplab.server.scenario.FieldValues.number;
import static dev.smtplab.server.scenario.FieldValues.regex;
import static dev.smtplab.server.scenario.FieldValues.reply;
import static dev.smtplab.server.scenario.FieldValues.replyValue;
import static dev.smtplab.server.scenario.FieldValues.size;
import static dev.smtplab.server.scenario.FieldValues.text;
import static dev.smtplab.server.scenario.FieldValues.texts;
import static dev.smtplab.server.scenario.FieldValues.unknownKeys;

/**
 * The rules file's effects, schedules and matches, one table each: for every kind, the keys it is
 * written with, how it is read and how it is written. {@link RulesFile} reads with these tables and
 * {@link RulesWriter} writes with them, so the two cannot drift apart.
 */
final class RuleFields {
    private RuleFields() {
    }

    /** Reads one field; {@code fields} are its siblings, for kinds written with two keys. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Object value, String key, Map<String, Object> fields);
    }

    /**
     * One kind of effect, schedule or match.
     *
     * @param keys  the keys that introduce it; the first is the one listed in messages
     * @param type  the model class it reads into and writes from
     * @param write puts its keys and values into a map of fields
     */
    record Form<T>(List<String> keys, Class<? extends T> type, Reader<? extends T> read,
                   BiConsumer<T, Map<String, Object>> write) {
    }

    private static <T, M extends T> Form<T> form(String key, Class<M> type, Reader<M> read,
                                                 java.util.function.Function<M, Object> value) {
        return new Form<>(List.of(key), type, read, (model, fields) -> fields.put(key, value.apply(type.cast(model))));
    }

    /** A kind that is on or absent, written "key: true". */
    private static <T, M extends T> Form<T> flagged(String key, Class<M> type, Supplier<M> make) {
        return new Form<>(List.of(key), type, (value, where, fields) -> {
            flag(value, where);
            return make.get();
        }, (model, fields) -> fields.put(key, true));
    }

    /** A match on text, as a glob ("key") or a regular expression ("key-regex"). */
    private static <M extends Match> Form<Match> pattern(String key, Class<M> type,
                                                         java.util.function.Function<Match.TextPattern, M> make,
                                                         java.util.function.Function<M, Match.TextPattern> get) {
        return new Form<>(List.of(key, key + "-regex"), type,
                (value, where, fields) -> make.apply(where.endsWith("-regex") ? regex(value, where)
                        : Match.TextPattern.glob(text(value, where))),
                (model, fields) -> {
                    Match.TextPattern pattern = get.apply(type.cast(model));
                    if (pattern.isRegex()) {
                        fields.put(key + "-regex", pattern.expression());
                    } else {
                        fields.put(key, pattern.source());
                    }
                });
    }

    static final List<Form<Effect>> EFFECTS = List.of(
            form("reply", Effect.Reply.class, (value, key, fields) -> new Effect.Reply(reply(value, key)),
                    effect -> replyValue(effect.reply())),
            form("reply-and-close", Effect.ReplyAndClose.class,
                    (value, key, fields) -> new Effect.ReplyAndClose(reply(value, key)),
                    effect -> replyValue(effect.reply())),
            flagged("reset", Effect.Reset.class, Effect.Reset::new),
            form("delay", Effect.Delay.class, (value, key, fields) -> new Effect.Delay(duration(value, key)),
                    effect -> durationValue(effect.delay())),
            flagged("silence", Effect.Silence.class, Effect.Silence::new),
            form("throttle", Effect.Throttle.class, (value, key, fields) -> new Effect.Throttle(count(value, key)),
                    effect -> number(effect.bytesPerSecond())),
            flagged("discard", Effect.Discard.class, Effect.Discard::new),
            form("drop-mid-message", Effect.DropMidMessage.class,
                    (value, key, fields) -> new Effect.DropMidMessage(size(value, key)),
                    effect -> number(effect.afterOctets())),
            flagged("fail-tls-handshake", Effect.FailTlsHandshake.class, Effect.FailTlsHandshake::new),
            notice("bounce", Effect.Bounce.class, Effect.Bounce.DEFAULT_REPLY, Effect.Bounce::new,
                    Effect.Bounce::reply, Effect.Bounce::after),
            notice("delay-notice", Effect.DelayNotice.class, Effect.DelayNotice.DEFAULT_REPLY, Effect.DelayNotice::new,
                    Effect.DelayNotice::reply, Effect.DelayNotice::after));

    /** A notification effect, written "key: {reply: ..., after: 30s}" (both optional) or "key: true". */
    private static <M extends Effect> Form<Effect> notice(String key, Class<M> type, SmtpReply defaultReply,
                                                         java.util.function.BiFunction<SmtpReply, java.time.Duration, M> make,
                                                         java.util.function.Function<M, SmtpReply> reply,
                                                         java.util.function.Function<M, java.time.Duration> after) {
        return new Form<>(List.of(key), type, (value, where, fields) -> {
            if (Boolean.TRUE.equals(value)) {
                return make.apply(defaultReply, java.time.Duration.ofSeconds(5));
            }
            Map<String, Object> given = map(value, where);
            unknownKeys(given, Set.of("reply", "after"), where + ".");
            SmtpReply said = given.containsKey("reply") ? reply(given.get("reply"), where + ".reply") : defaultReply;
            java.time.Duration delay = given.containsKey("after") ? duration(given.get("after"), where + ".after")
                    : java.time.Duration.ofSeconds(5);
            try {
                return make.apply(said, delay);
            } catch (IllegalArgumentException e) {
                throw new FieldException(where + ": " + e.getMessage());
            }
        }, (model, fields) -> {
            M effect = type.cast(model);
            Map<String, Object> written = new LinkedHashMap<>();
            written.put("reply", replyValue(reply.apply(effect)));
            written.put("after", durationValue(after.apply(effect)));
            fields.put(key, written);
        });
    }

    static final List<Form<Schedule>> SCHEDULES = List.of(
            form("first", Schedule.FirstN.class, (value, key, fields) -> new Schedule.FirstN(count(value, key)),
                    schedule -> number(schedule.count())),
            form("every", Schedule.EveryNth.class, (value, key, fields) -> new Schedule.EveryNth(count(value, key)),
                    schedule -> number(schedule.n())),
            new Form<>(List.of("probability"), Schedule.Probability.class, (value, key, fields) -> {
                if (!(value instanceof Number number)) {
                    throw new FieldException(key + ": expected a number from 0 to 1, got " + describe(value));
                }
                long seed = fields.containsKey("seed") ? count(fields.get("seed"), "schedule.seed") : 1;
                try {
                    return new Schedule.Probability(number.doubleValue(), seed);
                } catch (IllegalArgumentException e) {
                    throw new FieldException(key + ": " + e.getMessage());
                }
            }, (model, fields) -> {
                Schedule.Probability probability = (Schedule.Probability) model;
                fields.put("probability", probability.probability());
                fields.put("seed", number(probability.seed()));
            }),
            form("greylist", Schedule.Greylist.class,
                    (value, key, fields) -> new Schedule.Greylist(duration(value, key)),
                    schedule -> durationValue(schedule.retryAfter())));

    static final List<Form<Match>> MATCHES = List.of(
            pattern("argument", Match.Argument.class, Match.Argument::new, Match.Argument::pattern),
            pattern("sender", Match.Sender.class, Match.Sender::new, Match.Sender::address),
            form("sender-domain", Match.SenderDomain.class,
                    (value, key, fields) -> new Match.SenderDomain(texts(value, key)), Match.SenderDomain::domains),
            flagged("sender-invalid", Match.SenderInvalid.class, Match.SenderInvalid::new),
            pattern("recipient", Match.Recipient.class, Match.Recipient::new, Match.Recipient::address),
            form("recipient-domain", Match.RecipientDomain.class,
                    (value, key, fields) -> new Match.RecipientDomain(texts(value, key)),
                    Match.RecipientDomain::domains),
            flagged("recipient-local", Match.RecipientLocal.class, Match.RecipientLocal::new),
            pattern("helo", Match.Helo.class, Match.Helo::new, Match.Helo::name),
            form("client", Match.Client.class, (value, key, fields) -> {
                try {
                    return new Match.Client(Match.Cidr.parse(text(value, key)));
                } catch (IllegalArgumentException e) {
                    throw new FieldException(key + ": " + e.getMessage());
                }
            }, match -> match.block().source()),
            form("auth-user", Match.AuthUser.class, (value, key, fields) -> new Match.AuthUser(text(value, key)),
                    Match.AuthUser::user),
            flagged("unauthenticated", Match.Unauthenticated.class, Match.Unauthenticated::new),
            form("verb", Match.Verb.class, (value, key, fields) -> new Match.Verb(texts(value, key)),
                    Match.Verb::verbs),
            new Form<>(List.of("size-at-least", "size-at-most"), Match.Size.class, (value, key, fields) ->
                    key.endsWith("size-at-least") ? new Match.Size(size(value, key), Long.MAX_VALUE)
                            : new Match.Size(0, size(value, key)),
                    (model, fields) -> {
                        Match.Size size = (Match.Size) model;
                        if (size.atLeast() > 0) {
                            fields.put("size-at-least", number(size.atLeast()));
                        }
                        if (size.atMost() < Long.MAX_VALUE) {
                            fields.put("size-at-most", number(size.atMost()));
                        }
                    }),
            new Form<>(List.of("header"), Match.Header.class, RuleFields::header, (model, fields) -> {
                Match.Header header = (Match.Header) model;
                Map<String, Object> value = new LinkedHashMap<>();
                value.put("name", header.name());
                if (header.value().isRegex()) {
                    value.put("value-regex", header.value().expression());
                } else {
                    value.put("value", header.value().source());
                }
                fields.put("header", value);
            }),
            form("not", Match.Not.class, (value, key, fields) -> new Match.Not(match(value, key)),
                    match -> match(match.match())),
            form("any-of", Match.AnyOf.class, (value, key, fields) -> new Match.AnyOf(matches(value, key)),
                    match -> match.matches().stream().map(RuleFields::match).toList()),
            form("all-of", Match.AllOf.class, (value, key, fields) -> new Match.AllOf(matches(value, key)),
                    match -> match.matches().stream().map(RuleFields::match).toList()),
            flagged("anything", Match.Anything.class, Match.Anything::new));

    /** Every key of a table, for messages and unknown-field checks. */
    static <T> List<String> keys(List<Form<T>> forms) {
        List<String> keys = new ArrayList<>();
        forms.forEach(form -> keys.addAll(form.keys()));
        return keys;
    }

    private static <T> Form<T> formFor(List<Form<T>> forms, String key) {
        for (Form<T> form : forms) {
            if (form.keys().contains(key)) {
                return form;
            }
        }
        return null;
    }

    /** Writes one model value as fields; every kind has a form (the tables are complete, and tested so). */
    static <T> Map<String, Object> write(List<Form<T>> forms, T model) {
        for (Form<T> form : forms) {
            if (form.type().isInstance(model)) {
                Map<String, Object> fields = new LinkedHashMap<>();
                form.write().accept(model, fields);
                return fields;
            }
        }
        throw new IllegalStateException("no rules-file form for " + model);
    }

    static Effect effect(Object node) {
        Map<String, Object> fields = map(node, "effect");
        List<String> keys = keys(EFFECTS);
        unknownKeys(fields, new HashSet<>(keys), "effect.");
        if (fields.size() != 1) {
            throw new FieldException("effect: give exactly one of " + String.join(", ", keys)
                    + " (got " + fields.size() + ")");
        }
        Map.Entry<String, Object> only = fields.entrySet().iterator().next();
        String key = "effect." + only.getKey();
        try {
            return formFor(EFFECTS, only.getKey()).read().read(only.getValue(), key, fields);
        } catch (IllegalArgumentException e) {
            throw new FieldException(key + ": " + e.getMessage());
        }
    }

    static Object schedule(Schedule schedule) {
        return schedule instanceof Schedule.Always ? "always" : write(SCHEDULES, schedule);
    }

    static Schedule schedule(Object node) {
        if ("always".equals(node)) {
            return new Schedule.Always();
        }
        Map<String, Object> fields = map(node, "schedule");
        Set<String> known = new HashSet<>(keys(SCHEDULES));
        known.add("seed");
        unknownKeys(fields, known, "schedule.");
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            Form<Schedule> form = formFor(SCHEDULES, field.getKey());
            if (form != null) {
                try {
                    return form.read().read(field.getValue(), "schedule." + field.getKey(), fields);
                } catch (IllegalArgumentException e) {
                    throw new FieldException("schedule." + field.getKey() + ": " + e.getMessage());
                }
            }
        }
        throw new FieldException("schedule: use always, or one of first, every, probability (with seed) or greylist");
    }

    /** A match's fields; several fields mean all of them. */
    static Match match(Object node, String where) {
        Map<String, Object> fields = map(node, where);
        List<Match> matches = new ArrayList<>();
        Match.Size size = null;
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            String key = where + "." + field.getKey();
            Form<Match> form = formFor(MATCHES, field.getKey());
            if (form == null) {
                throw new FieldException(key + ": unknown field; use " + String.join(", ", keys(MATCHES)));
            }
            Match match = form.read().read(field.getValue(), key, fields);
            if (match instanceof Match.Size bound && size != null) {
                // size-at-least and size-at-most together are one range, where the first of them was
                Match.Size range = new Match.Size(Math.max(size.atLeast(), bound.atLeast()),
                        Math.min(size.atMost(), bound.atMost()));
                matches.set(matches.indexOf(size), range);
                size = range;
                continue;
            }
            if (match instanceof Match.Size bound) {
                size = bound;
            }
            matches.add(match);
        }
        if (matches.isEmpty()) {
            throw new FieldException(where + ": give at least one field; use " + String.join(", ", keys(MATCHES)));
        }
        return matches.size() == 1 ? matches.get(0) : new Match.AllOf(matches);
    }

    /** A match as fields: an all-of whose parts write distinct fields is written as one map of them. */
    static Map<String, Object> match(Match match) {
        if (match instanceof Match.AllOf all && mergeable(all)) {
            Map<String, Object> fields = new LinkedHashMap<>();
            all.matches().forEach(each -> fields.putAll(match(each)));
            return fields;
        }
        return write(MATCHES, match);
    }

    /**
     * An all-of can be written as one map of fields when each part writes fields of its own, no
     * two alike (and more than one part: one alone reads back as itself, not as an all-of).
     */
    private static boolean mergeable(Match.AllOf all) {
        if (all.matches().size() < 2) {
            return false;
        }
        Set<String> keys = new HashSet<>();
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

    private static Match.Header header(Object value, String key, Map<String, Object> siblings) {
        Map<String, Object> header = map(value, key);
        unknownKeys(header, Set.of("name", "value", "value-regex"), key + ".");
        if (!header.containsKey("name")) {
            throw new FieldException(key + ".name: missing");
        }
        Match.TextPattern pattern = header.containsKey("value-regex")
                ? regex(header.get("value-regex"), key + ".value-regex")
                : Match.TextPattern.glob(header.containsKey("value") ? text(header.get("value"), key + ".value") : "*");
        return new Match.Header(text(header.get("name"), key + ".name"), pattern);
    }
}
