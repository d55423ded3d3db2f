package dev.smtplab.client.record;

import dev.smtplab.client.protocol.Reply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a recording has learnt of a real server, over every session relayed (or probed): its
 * greeting, its EHLO reply before TLS (and after, when it differs), the first positive reply to each command, its refusals of
 * particular senders and recipients, and how long it took to answer. Texts are kept as the server
 * sent them, but for what differs from one session to the next (the client's name and address, the
 * date, the queue id, the address a reply repeats), which become the placeholders a personality
 * fills in again. Client secrets never reach it: only the server's replies and the envelope's
 * addresses are recorded.
 */
public final class Recording {
    /** The stages whose replies are timed, in the order a file lists them ("connect" for the greeting). */
    private static final List<String> TIMED = List.of("connect", "helo", "starttls", "auth", "mail", "rcpt", "data",
            "message", "rset", "noop", "quit");
    /** The stages a personality words, in the order a file lists them. */
    static final List<String> REPLY_KINDS = List.of("helo", "mail", "rcpt", "data", "message", "rset", "noop",
            "quit", "starttls", "auth");
    /** RFC 5322's date, as greetings carry it: "Sun, 06 Dec 2026 01:20:00 +0000" (the weekday optional). */
    private static final Pattern DATE = Pattern.compile("(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\\d{1,2} "
            + "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}(?::\\d{2})? [+-]\\d{4}"
            + "(?: \\([A-Za-z]+\\))?");
    /** Where common servers put the id of a message they took: Postfix, Exim, Sendmail, then others. */
    private static final List<Pattern> QUEUE_IDS = List.of(Pattern.compile("queued as ([^\\s;,]+)"),
            Pattern.compile("\\bid=([^\\s;,]+)"), Pattern.compile("^2\\.0\\.0 ([^\\s;,]+) Message accepted"),
            Pattern.compile("^([^\\s;,]+) Message accepted"));

    /**
     * The refusals that concern an address (mailbox or policy), recorded for it; not syntax (500, 501),
     * order (503), or the session's state (421, 530), which the replay's own dialogue gives.
     */
    private static final java.util.Set<Integer> ABOUT_THE_ADDRESS = java.util.Set.of(450, 451, 452, 550, 551, 552,
            553, 554, 555);

    private final String name;
    private String greeting;
    /** The server's own name: EHLO's first word, else the greeting's. */
    private String hostName;
    private boolean greetingRefused;
    private List<String> refusedGreeting;
    private List<String> ehlo;
    private List<String> ehloOverTls;
    private final Map<String, String> replies = new LinkedHashMap<>();
    private final Map<String, Refusal> refusals = new LinkedHashMap<>();
    private final Map<String, List<Long>> millis = new LinkedHashMap<>();
    private int sessions;

    /** A refusal of one sender (stage mail) or recipient (stage rcpt). */
    record Refusal(String stage, String address, List<String> reply) {
    }

    /** @param name what the server is called in the file: "HOST:PORT" */
    public Recording(String name) {
        this.name = name;
    }

    public synchronized String name() {
        return name;
    }

    /** True once a server greeted with 220: a recording worth writing. */
    public synchronized boolean greeted() {
        return greeting != null;
    }

    /** The values of one session, for turning its texts back into placeholders. */
    record Session(String helo, String clientAddress) {
    }

    synchronized void sessionStarted() {
        sessions++;
    }

    public synchronized int sessions() {
        return sessions;
    }

    /** The greeting a first probing connection got (smtplab record's check that the server answers). */
    public synchronized void greetingOfProbe(Reply reply, Duration took, String clientAddress) {
        greeting(reply, took, new Session(null, clientAddress));
    }

    synchronized void greeting(Reply reply, Duration took, Session session) {
        time("connect", took);
        if (greeting != null || greetingRefused) {
            return;
        }
        if (reply.code() == 220) {
            greeting = general("220 " + reply.lines().get(0), session, null);
            hostName = firstWord(reply.lines().get(0));
        } else {
            greetingRefused = true;
            refusedGreeting = effectLines(reply);
        }
    }

    /** The first word, when it looks like a host name (printable ASCII, no brackets); else null. */
    private static String firstWord(String text) {
        String word = text.trim().split("\\s+", 2)[0];
        return word.matches("[A-Za-z0-9][A-Za-z0-9.-]*") ? word : null;
    }

    /** A reply as a rule's effect writes it: the code and the first line, then the other lines' text. */
    private static List<String> effectLines(Reply reply) {
        List<String> lines = new ArrayList<>();
        lines.add(reply.code() + (reply.lines().get(0).isEmpty() ? "" : " " + reply.lines().get(0)));
        lines.addAll(reply.lines().subList(1, reply.lines().size()));
        return lines;
    }

    /**
     * A reply to a command the client sent: the EHLO reply, a positive reply to word, or a refusal of
     * an address; {@code address} is MAIL's or RCPT's address, else null.
     */
    synchronized void reply(String verb, String address, Reply reply, Duration took, boolean overTls,
                            Session session) {
        String kind = kind(verb);
        if (kind == null) {
            return;
        }
        time(kind, took);
        if (verb.equals("EHLO") && reply.code() == 250) {
            List<String> lines = new ArrayList<>();
            reply.lines().forEach(line -> lines.add(general(line, session, null)));
            if (!overTls && ehlo == null) {
                ehlo = lines;
                String named = firstWord(reply.lines().get(0));
                hostName = named != null ? named : hostName;
            } else if (overTls && ehloOverTls == null) {
                ehloOverTls = lines;
            }
            return;
        }
        if (verb.equals("EHLO")) {
            return;
        }
        boolean positive = reply.code() / 100 == (kind.equals("data") ? 3 : 2);
        if (positive && reply.lines().size() == 1) {
            replies.putIfAbsent(kind, general(reply.code() + " " + reply.lines().get(0), session,
                    address == null || address.isEmpty() ? null : address));
        } else if (!positive && ABOUT_THE_ADDRESS.contains(reply.code()) && address != null
                && (kind.equals("mail") || kind.equals("rcpt"))) {
            refusals.putIfAbsent(kind + " " + address.toLowerCase(Locale.ROOT), new Refusal(kind, address,
                    effectLines(reply)));
        }
    }

    /** The message's reply, after the final dot. */
    synchronized void messageReply(Reply reply, Duration took, Session session) {
        time("message", took);
        if (reply.isPositive() && reply.lines().size() == 1) {
            String text = reply.code() + " " + reply.lines().get(0);
            for (Pattern queueId : QUEUE_IDS) {
                Matcher id = queueId.matcher(reply.lines().get(0));
                if (id.find()) {
                    text = reply.code() + " " + reply.lines().get(0).substring(0, id.start(1)) + "{id}"
                            + reply.lines().get(0).substring(id.end(1));
                    break;
                }
            }
            replies.putIfAbsent("message", general(text, session, null));
        }
    }

    private static String kind(String verb) {
        return switch (verb) {
            case "HELO", "EHLO" -> "helo";
            case "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "STARTTLS", "AUTH" -> verb.toLowerCase(Locale.ROOT);
            default -> null;
        };
    }

    private void time(String stage, Duration took) {
        millis.computeIfAbsent(stage, key -> new ArrayList<>()).add(took.toMillis());
    }

    /** The text with what belongs to one session put back as placeholders. */
    private static String general(String text, Session session, String address) {
        String general = DATE.matcher(text).replaceAll("{date}");
        general = token(general, address, "{address}");
        general = token(general, session.helo(), "{helo}");
        return token(general, session.clientAddress(), "{client}");
    }

    /** Replaces the value where it stands as a whole (not inside a longer name or address). */
    private static String token(String text, String value, String placeholder) {
        if (value == null || value.isBlank()) {
            return text;
        }
        return Pattern.compile("(?<![\\w.@-])" + Pattern.quote(value) + "(?![\\w@-]|\\.\\w)")
                .matcher(text).replaceAll(Matcher.quoteReplacement(placeholder));
    }

    /** The recording as a rules file (YAML): the personality block, then a rule per refusal. */
    public synchronized String yaml(String header) {
        StringBuilder yaml = new StringBuilder();
        header.lines().forEach(line -> yaml.append("# ").append(line).append('\n'));
        if (greetingRefused) {
            yaml.append("rules:\n  - id: recorded-greeting\n    stage: connect\n    effect:\n      reply-and-close:\n");
            refusedGreeting.forEach(line -> yaml.append("        - ").append(quote(line)).append('\n'));
            return yaml.toString();
        }
        yaml.append("personality:\n");
        yaml.append("  name: ").append(quote(name)).append('\n');
        if (hostName != null) {
            yaml.append("  hostname: ").append(quote(hostName)).append('\n');
        }
        if (greeting != null) {
            yaml.append("  greeting: ").append(quote(greeting)).append('\n');
        }
        if (ehlo != null) {
            yaml.append("  ehlo:\n");
            ehlo.forEach(line -> yaml.append("    - ").append(quote(line)).append('\n'));
        }
        if (ehloOverTls != null && !ehloOverTls.equals(withoutStartTls(ehlo))) {
            yaml.append("  ehlo-over-tls:\n");
            ehloOverTls.forEach(line -> yaml.append("    - ").append(quote(line)).append('\n'));
        }
        if (!replies.isEmpty()) {
            yaml.append("  replies:\n");
            for (String kind : REPLY_KINDS) {
                if (replies.containsKey(kind)) {
                    yaml.append("    ").append(kind).append(": ").append(quote(replies.get(kind))).append('\n');
                }
            }
        }
        List<String> timed = TIMED.stream().filter(stage -> millis.containsKey(stage) && median(millis.get(stage)) > 0)
                .toList();
        if (!timed.isEmpty()) {
            yaml.append("  timing:            # the median wait for each reply (under 1 ms left out), for --replay-timing\n");
            timed.forEach(stage -> yaml.append("    ").append(stage).append(": ").append(median(millis.get(stage)))
                    .append("ms\n"));
        }
        if (!refusals.isEmpty()) {
            yaml.append("rules:\n");
            Map<String, Integer> numbers = new LinkedHashMap<>();
            for (Refusal refusal : refusals.values()) {
                int number = numbers.merge(refusal.stage(), 1, Integer::sum);
                yaml.append("  - id: recorded-").append(refusal.stage()).append('-').append(number).append('\n');
                yaml.append("    stage: ").append(refusal.stage()).append('\n');
                yaml.append("    match: { ").append(refusal.stage().equals("mail") ? "sender" : "recipient")
                        .append(": ").append(quote(refusal.address())).append(" }\n");
                yaml.append("    effect:\n      reply:\n");
                refusal.reply().forEach(line -> yaml.append("        - ").append(quote(line)).append('\n'));
            }
        }
        return yaml.toString();
    }

    private static List<String> withoutStartTls(List<String> lines) {
        return lines == null ? null : lines.stream().filter(line -> !line.equalsIgnoreCase("STARTTLS")).toList();
    }

    private static long median(List<Long> times) {
        List<Long> sorted = new ArrayList<>(times);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    /** A YAML double-quoted scalar: JSON's escapes, which YAML's double quotes take as they are. */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
