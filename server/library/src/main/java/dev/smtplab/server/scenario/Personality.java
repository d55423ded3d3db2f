package dev.smtplab.server.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.smtplab.server.scenario.FieldValues.list;
import static dev.smtplab.server.scenario.FieldValues.map;
import static dev.smtplab.server.scenario.FieldValues.text;
import static dev.smtplab.server.scenario.FieldValues.unknownKeys;

/**
 * How a server words what it says when nothing goes wrong: its greeting, its EHLO reply and the
 * text of each positive reply. SMTP Lab's own when there is none; a built-in one ({@link #builtIn})
 * or one written in a rules file makes the fake answer in that server's words. It changes words,
 * not behaviour: what is accepted and refused stays the scenario's rules and presets, and the EHLO
 * reply never offers STARTTLS or AUTH where the server cannot do them.
 *
 * <p>Texts may name {@code {hostname}} (the server's name), {@code {client}} (the client's IP
 * address), {@code {helo}} (the name the client gave), {@code {date}} (now, as in a Date header),
 * {@code {address}} (in the mail and rcpt replies, the address), {@code {id}} (in the message
 * reply, the message's id) and {@code {trace}} (a token of the session, as Gmail ends its replies with).
 *
 * @param name     how the server and the API call it ("exim", or a recording's file name)
 * @param hostName the recorded server's own name, which a replay takes as its --hostname unless
 *                 given one (its 421s, certificate and {hostname}); null for the server's own
 * @param greeting the whole greeting line, such as "220 {hostname} ESMTP Postfix (Debian/GNU)"
 * @param ehlo     the EHLO reply's lines without their "250-": the greeting line, then the
 *                 capabilities as offered before TLS; empty for SMTP Lab's own
 * @param ehloOverTls the EHLO reply after STARTTLS, when the server's differs (a recording's: AUTH
 *                 offered only over TLS); empty for the one above without STARTTLS
 * @param replies  the positive reply of each kind that has its own wording here (code and text)
 * @param timing   how long the server took to answer at each stage (a recording's), applied only
 *                 when asked for ({@link #timingRules}, the server's --replay-timing)
 */
public record Personality(String name, String hostName, String greeting, List<String> ehlo,
                          List<String> ehloOverTls, Map<Reply, String> replies,
                          Map<SmtpStage, java.time.Duration> timing) {
    /** The built-in personalities, each a YAML file beside this class whose comments cite its sources. */
    public static final List<String> BUILT_IN = List.of("postfix", "exim", "sendmail", "gmail", "microsoft365");

    /** The stages whose reply a recording times: the greeting (connect) and each command's. */
    private static final List<SmtpStage> TIMED = List.of(SmtpStage.CONNECT, SmtpStage.HELO, SmtpStage.STARTTLS,
            SmtpStage.AUTH, SmtpStage.MAIL, SmtpStage.RCPT, SmtpStage.DATA, SmtpStage.MESSAGE, SmtpStage.RSET,
            SmtpStage.NOOP, SmtpStage.QUIT);

    private static final Set<String> KEYS = Set.of("name", "hostname", "greeting", "ehlo", "ehlo-over-tls", "replies",
            "timing");

    public Personality {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: missing");
        }
        if (greeting != null) {
            SmtpReply.parse(greeting); // a greeting that is not a reply line is refused here
        }
        if (hostName != null && (hostName.isBlank() || !hostName.matches("[\\x21-\\x7e]+"))) {
            throw new IllegalArgumentException("hostname: \"" + hostName + "\" is not a host name (one word, "
                    + "printable ASCII)");
        }
        ehlo = List.copyOf(ehlo);
        ehloOverTls = List.copyOf(ehloOverTls);
        EnumMap<Reply, String> copy = new EnumMap<>(Reply.class);
        copy.putAll(replies);
        for (Map.Entry<Reply, String> reply : copy.entrySet()) {
            int code = SmtpReply.parse(reply.getValue()).code();
            if (code / 100 != reply.getKey().codeClass) {
                throw new IllegalArgumentException("replies." + reply.getKey().key + ": \"" + reply.getValue()
                        + "\" is not a " + reply.getKey().codeClass + "xx reply, as " + reply.getKey().key
                        + " is answered when it goes through");
            }
        }
        replies = Collections.unmodifiableMap(copy);
        EnumMap<SmtpStage, java.time.Duration> delays = new EnumMap<>(SmtpStage.class);
        delays.putAll(timing);
        timing = Collections.unmodifiableMap(delays);
    }

    /** Without timing. */
    public Personality(String name, String greeting, List<String> ehlo, Map<Reply, String> replies) {
        this(name, null, greeting, ehlo, List.of(), replies, Map.of());
    }

    /** With timing, and the same EHLO reply over TLS. */
    public Personality(String name, String greeting, List<String> ehlo, Map<Reply, String> replies,
                       Map<SmtpStage, java.time.Duration> timing) {
        this(name, null, greeting, ehlo, List.of(), replies, timing);
    }

    /** With the EHLO reply over TLS too. */
    public Personality(String name, String greeting, List<String> ehlo, List<String> ehloOverTls,
                       Map<Reply, String> replies, Map<SmtpStage, java.time.Duration> timing) {
        this(name, null, greeting, ehlo, ehloOverTls, replies, timing);
    }

    /**
     * The recorded timing as delay rules ("timing-mail": delay at mail), for a replay that answers
     * as slowly as the recorded server did.
     */
    public List<Rule> timingRules() {
        List<Rule> rules = new ArrayList<>();
        timing.forEach((stage, delay) -> rules.add(new Rule("timing-" + stage.key(), stage, new Match.Anything(),
                new Schedule.Always(), new Effect.Delay(delay), 0)));
        return rules;
    }

    /** The positive replies a personality words, each by the command (or moment) it answers. */
    public enum Reply {
        HELO("helo", 2), MAIL("mail", 2), RCPT("rcpt", 2), DATA("data", 3), MESSAGE("message", 2),
        RSET("rset", 2), NOOP("noop", 2), QUIT("quit", 2), STARTTLS("starttls", 2), AUTH("auth", 2);

        private final String key;
        private final int codeClass;

        Reply(String key, int codeClass) {
            this.key = key;
            this.codeClass = codeClass;
        }

        public String key() {
            return key;
        }

        static Optional<Reply> ofKey(String key) {
            for (Reply reply : values()) {
                if (reply.key.equals(key)) {
                    return Optional.of(reply);
                }
            }
            return Optional.empty();
        }
    }

    /** True when its EHLO reply offers AUTH (a recorded server that took logins). */
    public boolean offersAuth() {
        return java.util.stream.Stream.concat(ehlo.stream().skip(1), ehloOverTls.stream().skip(1))
                .anyMatch(line -> line.toUpperCase(Locale.ROOT).startsWith("AUTH"));
    }

    /** One of {@link #BUILT_IN}, read from the jar. */
    public static Personality builtIn(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (!BUILT_IN.contains(key)) {
            throw new IllegalArgumentException("\"" + name + "\" is not a built-in personality: use one of "
                    + String.join(", ", BUILT_IN));
        }
        try (InputStream in = Personality.class.getResourceAsStream("personalities/" + key + ".yaml");
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            Object document = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                    new org.yaml.snakeyaml.LoaderOptions())).load(reader);
            return read(map(document, "personality " + key));
        } catch (IOException e) {
            throw new IllegalStateException("the built-in personality " + key + " cannot be read", e);
        }
    }

    /**
     * The {@code personality:} of a rules file: the name of a built-in one, or its fields.
     *
     * @throws FieldValues.FieldException naming the field that is wrong
     */
    static Personality read(Object node) {
        if (node instanceof String name) {
            try {
                return builtIn(name);
            } catch (IllegalArgumentException e) {
                throw new FieldValues.FieldException(e.getMessage());
            }
        }
        Map<String, Object> fields = map(node, "personality");
        unknownKeys(fields, KEYS, "");
        try {
            String name = fields.containsKey("name") ? text(fields.get("name"), "name") : null;
            String hostName = fields.containsKey("hostname") ? text(fields.get("hostname"), "hostname") : null;
            String greeting = fields.containsKey("greeting") ? text(fields.get("greeting"), "greeting") : null;
            List<String> ehlo = ehloLines(fields, "ehlo");
            List<String> ehloOverTls = ehloLines(fields, "ehlo-over-tls");
            Map<Reply, String> replies = new EnumMap<>(Reply.class);
            if (fields.containsKey("replies")) {
                Map<String, Object> given = map(fields.get("replies"), "replies");
                for (Map.Entry<String, Object> entry : given.entrySet()) {
                    Reply reply = Reply.ofKey(entry.getKey()).orElseThrow(() -> new FieldValues.FieldException(
                            "replies." + entry.getKey() + ": not a reply a personality words; use one of "
                                    + String.join(", ", keys())));
                    replies.put(reply, text(entry.getValue(), "replies." + entry.getKey()));
                }
            }
            Map<SmtpStage, java.time.Duration> timing = new EnumMap<>(SmtpStage.class);
            if (fields.containsKey("timing")) {
                Map<String, Object> given = map(fields.get("timing"), "timing");
                for (Map.Entry<String, Object> entry : given.entrySet()) {
                    SmtpStage stage = SmtpStage.ofKey(entry.getKey()).filter(TIMED::contains).orElseThrow(() ->
                            new FieldValues.FieldException("timing." + entry.getKey() + ": not a stage with a "
                                    + "reply to time; use one of " + String.join(", ", TIMED.stream()
                                    .map(SmtpStage::key).toList())));
                    timing.put(stage, FieldValues.duration(entry.getValue(), "timing." + entry.getKey()));
                }
            }
            return new Personality(name, hostName, greeting, ehlo, ehloOverTls, replies, timing);
        } catch (IllegalArgumentException e) {
            throw new FieldValues.FieldException(e.getMessage());
        }
    }

    private static List<String> ehloLines(Map<String, Object> fields, String key) {
        List<String> ehlo = new ArrayList<>();
        if (fields.containsKey(key)) {
            List<Object> lines = list(fields.get(key), key);
            for (int i = 0; i < lines.size(); i++) {
                String line = text(lines.get(i), key + "[" + (i + 1) + "]");
                if (line.isBlank() || line.contains("\r") || line.contains("\n")) {
                    throw new FieldValues.FieldException(key + "[" + (i + 1) + "]: a line of the EHLO reply "
                            + "without its \"250-\", such as \"PIPELINING\"");
                }
                ehlo.add(line);
            }
        }
        return ehlo;
    }

    /** In the rules file's shape: a built-in one by its name, any other by its fields. */
    Object write() {
        if (BUILT_IN.contains(name) && equals(builtIn(name))) {
            return name;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", name);
        if (hostName != null) {
            fields.put("hostname", hostName);
        }
        if (greeting != null) {
            fields.put("greeting", greeting);
        }
        if (!ehlo.isEmpty()) {
            fields.put("ehlo", ehlo);
        }
        if (!ehloOverTls.isEmpty()) {
            fields.put("ehlo-over-tls", ehloOverTls);
        }
        if (!replies.isEmpty()) {
            Map<String, Object> texts = new LinkedHashMap<>();
            replies.forEach((reply, text) -> texts.put(reply.key, text));
            fields.put("replies", texts);
        }
        if (!timing.isEmpty()) {
            Map<String, Object> delays = new LinkedHashMap<>();
            timing.forEach((stage, delay) -> delays.put(stage.key(), FieldValues.durationValue(delay)));
            fields.put("timing", delays);
        }
        return fields;
    }

    private static List<String> keys() {
        return java.util.Arrays.stream(Reply.values()).map(Reply::key).toList();
    }

    /** What the placeholders stand for in one reply; null for what is not known there. */
    public record Values(String hostName, String client, String helo, String date, String address, String id,
                         String trace) {
        /** The text with the placeholders filled in; one without a value stays as written. */
        public String fill(String text) {
            return put(put(put(put(put(put(put(text, "{hostname}", hostName), "{client}", client), "{helo}", helo),
                    "{date}", date), "{address}", address), "{id}", id), "{trace}", trace);
        }

        private static String put(String text, String placeholder, String value) {
            return value == null ? text : text.replace(placeholder, value);
        }
    }
}
