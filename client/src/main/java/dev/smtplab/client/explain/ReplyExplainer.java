package dev.smtplab.client.explain;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reply knowledge base: RFC 5321 reply codes, RFC 3463 enhanced status codes, and the texts
 * real servers use for the common failures (greylisting, relay denied, unknown user, spam, policy
 * blocks, mailbox full, authentication required). Feeds /explain, --explain and send's hints, in the
 * language of its {@link Texts} ({@code reply.*} and {@code ehlo.*} keys); the reply itself stays as
 * it was on the wire.
 */
public final class ReplyExplainer {
    /**
     * The RFC 3463 subject.detail codes with texts: {@code reply.enhanced.S.D.topic} (what the code is
     * about, for a success code with no meaning of its own), {@code .problem} (what it means in a 4.x.x
     * or 5.x.x reply) and, where servers use it for success, {@code .success}. From RFC 3463, and RFC
     * 4954, 7372, 7505 and 8098 for X.7.8 and later. Postfix says 2.1.0 to MAIL, 2.1.5 to RCPT, 2.0.0
     * when it queues, 2.7.0 after a login.
     */
    private static final List<String> ENHANCED = List.of(
            "0.0", "1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "2.0", "2.1", "2.2",
            "2.3", "2.4", "3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "4.0", "4.1", "4.2", "4.3", "4.4", "4.5",
            "4.6", "4.7", "5.0", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "6.0", "6.1", "6.2", "6.3", "6.4", "6.5",
            "6.6", "6.7", "6.8", "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8", "7.9", "7.10",
            "7.11", "7.12", "7.13", "7.14", "7.15", "7.16", "7.17", "7.18", "7.19", "7.20", "7.21", "7.22", "7.23",
            "7.24", "7.25", "7.26", "7.27", "7.28", "7.29", "7.30");
    /** Phrases real servers put in a reply; the texts say what it means and what to do. */
    private static final List<TextClue> CLUES = List.of(
            // The most specific phrases first: "need fully-qualified address" also says "sender address rejected".
            new TextClue("fullyQualified", List.of("fully-qualified", "fully qualified")),
            new TextClue("noRecipients", List.of("no valid recipients", "no valid recipient")),
            new TextClue("greylist", List.of("greylist", "grey-list", "graylist", "try again later, greylisted")),
            new TextClue("relay", List.of("relay access denied", "relaying denied", "relay not permitted",
                    "unable to relay")),
            new TextClue("unknownUser", List.of("user unknown", "unknown user", "no such user",
                    "mailbox unavailable", "recipient address rejected", "does not exist")),
            new TextClue("badSender", List.of("sender address rejected", "invalid sender", "sender rejected",
                    "domain not found")),
            new TextClue("authRequired", List.of("authentication required", "must authenticate", "auth required")),
            new TextClue("starttlsRequired", List.of("must issue a starttls", "starttls first", "encryption required")),
            new TextClue("mailboxFull", List.of("mailbox full", "over quota", "quota exceeded",
                    "insufficient storage")),
            // Blocklists before spam: "spamhaus" holds "spam" but says the client's address is listed.
            new TextClue("blocked", List.of("blocked", "blacklist", "blocklist", "spamhaus", "listed at", "rbl",
                    "policy")),
            new TextClue("spam", List.of("spam", "content filter", "looks like spam", "message content rejected")),
            new TextClue("rateLimit", List.of("too many connections", "rate limit", "too many messages", "slow down")),
            new TextClue("tooBig", List.of("size exceeds", "too big", "too large", "message size")),
            new TextClue("spf", List.of("spf")));
    private static final Pattern QUEUED_AS = Pattern.compile("(?i)queued as ([^\\s;]+)");
    private static final ReplyExplainer ENGLISH = new ReplyExplainer(Texts.of(Language.ENGLISH));

    /**
     * A phrase servers use, and the key of its texts: {@code reply.clue.KEY.meaning}, {@code .hint} (for
     * smtplab send) and {@code .sessionHint} (naming the session's helpers, when it differs).
     */
    private record TextClue(String key, List<String> phrases) {
    }

    private final Texts texts;

    private ReplyExplainer(Texts texts) {
        this.texts = texts;
    }

    /** The explainer that words its explanations in this language. */
    public static ReplyExplainer in(Texts texts) {
        return texts.language() == Language.ENGLISH ? ENGLISH : new ReplyExplainer(texts);
    }

    /** What a reply means on its own, in English. */
    public static Explanation explain(Reply reply) {
        return ENGLISH.explaining(reply, null, false);
    }

    /**
     * What a reply means as the answer to {@code command} (null for the greeting or a reply nobody
     * asked for), with hints for {@code smtplab send}, in English.
     */
    public static Explanation explain(Reply reply, String command) {
        return ENGLISH.explaining(reply, command, false);
    }

    /** As {@link #explain(Reply, String)}, with hints that name the session's helpers (/starttls, /auth). */
    public static Explanation explainInSession(Reply reply, String command) {
        return ENGLISH.explaining(reply, command, true);
    }

    /** The one-line hint send prints on failure. */
    public static String hint(Reply reply) {
        return explain(reply).hint();
    }

    /** What a reply means on its own, with send's hints, in this explainer's language. */
    public Explanation of(Reply reply) {
        return explaining(reply, null, false);
    }

    /** What a reply means as the answer to {@code command} in a session, in this explainer's language. */
    public Explanation inSession(Reply reply, String command) {
        return explaining(reply, command, true);
    }

    private Explanation explaining(Reply reply, String command, boolean inSession) {
        String verb = command == null ? null : command.trim().split("\\s+")[0].toUpperCase(Locale.ROOT);
        List<String> details = new ArrayList<>();
        String key = "reply.code." + reply.code();
        details.add(reply.code() + ": " + (texts.has(key) ? texts.get(key) : classMeaning(reply.code())));
        reply.enhancedCode().ifPresent(code -> details.add(code + ": " + meaningOf(code)));
        Optional<TextClue> clue = reply.isPositive() ? Optional.empty() : clue(reply);
        clue.ifPresent(found -> details.add(texts.get("reply.textSays", clueText(found, "meaning"))));
        details.addAll(inContext(reply, verb));
        String hint = clue.map(found -> inSession && texts.has("reply.clue." + found.key() + ".sessionHint")
                        ? clueText(found, "sessionHint") : clueText(found, "hint"))
                .orElseGet(() -> defaultHint(reply, verb, inSession));
        return new Explanation(summary(reply, verb), details, hint, texts.get("reply.hintLine", ""));
    }

    private String clueText(TextClue clue, String name) {
        return texts.get("reply.clue." + clue.key() + "." + name);
    }

    /** What the command a reply answers adds to its meaning. */
    private List<String> inContext(Reply reply, String verb) {
        List<String> notes = new ArrayList<>();
        if (verb == null && reply.code() == 421) {
            notes.add(texts.get("reply.context.idle421"));
        }
        if ("EHLO".equals(verb) && reply.isPositive()) {
            notes.add(texts.get("reply.context.ehlo"));
            for (String capability : Capabilities.explain(texts, reply.lines().subList(1, reply.lines().size()))) {
                notes.add("  " + capability);
            }
        }
        Matcher queued = QUEUED_AS.matcher(reply.text());
        if (reply.isPositive() && queued.find()) {
            notes.add(texts.get("reply.context.queued"));
            notes.add(texts.get("reply.context.queueId", queued.group(1)));
        }
        if ("DATA".equals(verb) && reply.code() == 554) {
            notes.add(texts.get("reply.context.data554"));
        }
        return notes;
    }

    private String summary(Reply reply, String verb) {
        if (reply.isPositive() || reply.isIntermediate()) {
            String about = verb == null ? null : switch (verb) {
                case "EHLO", "HELO" -> reply.isPositive() ? "reply.summary.EHLO" : null;
                case "MAIL", "RCPT", "RSET" -> reply.isPositive() ? "reply.summary." + verb : null;
                case "DATA" -> reply.code() == 354 ? "reply.summary.DATA" : null;
                case "." -> reply.isPositive() ? "reply.summary.dot" : null;
                case "STARTTLS" -> reply.code() == 220 ? "reply.summary.STARTTLS" : null;
                case "AUTH" -> reply.code() == 235 || reply.code() == 334 ? "reply.summary.AUTH." + reply.code() : null;
                case "QUIT" -> reply.code() == 221 ? "reply.summary.QUIT" : null;
                default -> null;
            };
            if (about != null) {
                return texts.get(about);
            }
            return texts.get(reply.isPositive() ? "reply.summary.success" : "reply.summary.goOn");
        }
        return texts.get(reply.isTemporaryFailure() ? "reply.summary.temporary" : "reply.summary.permanent");
    }

    private String classMeaning(int code) {
        return texts.get("reply.class." + Math.min(5, Math.max(2, code / 100)));
    }

    /** What an enhanced status code says, by its class: "permanent, the mailbox does not exist: unknown user". */
    static String enhancedMeaning(String code) {
        return ENGLISH.meaningOf(code);
    }

    private String meaningOf(String code) {
        String[] parts = code.split("\\.");
        String exact = "reply.enhanced." + parts[1] + "." + parts[2] + ".";
        String known = texts.has(exact + "problem") ? exact : "reply.enhanced." + parts[1] + ".0.";
        if (!texts.has(known + "problem")) {
            return texts.get("reply.enhanced.unknown");
        }
        return switch (code.charAt(0)) {
            case '2' -> known.equals(exact) && texts.has(exact + "success")
                    ? texts.get("reply.enhanced.asSuccess", texts.get(exact + "success"))
                    : texts.get("reply.enhanced.noteAbout", texts.get(known + "topic"));
            case '4' -> texts.get("reply.enhanced.asTemporary", texts.get(known + "problem"));
            default -> texts.get("reply.enhanced.asPermanent", texts.get(known + "problem"));
        };
    }

    /** Every subject.detail in the table, for tests: "X.1.1", ... */
    static List<String> knownEnhancedCodes() {
        return ENHANCED.stream().map(code -> "X." + code).toList();
    }

    private static Optional<TextClue> clue(Reply reply) {
        String text = reply.text().toLowerCase(Locale.ROOT);
        for (TextClue clue : CLUES) {
            for (String phrase : clue.phrases()) {
                if (text.contains(phrase)) {
                    return Optional.of(clue);
                }
            }
        }
        return Optional.empty();
    }

    private String defaultHint(Reply reply, String verb, boolean inSession) {
        if (reply.isPositive() || reply.isIntermediate()) {
            return "";
        }
        if (inSession && reply.code() == 530) {
            return texts.get("reply.hint.session530");
        }
        return texts.get(switch (reply.code()) {
            case 421 -> verb == null ? "reply.hint.421idle" : "reply.hint.421";
            case 500, 501 -> "reply.hint.500";
            case 502, 504 -> "reply.hint.502";
            case 503, 530, 535, 552, 553 -> "reply.hint." + reply.code();
            default -> reply.isTemporaryFailure() ? "reply.hint.temporary" : "reply.hint.permanent";
        });
    }
}
