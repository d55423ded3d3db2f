package dev.smtplab.client.explain;

import dev.smtplab.client.protocol.Reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The reply knowledge base: RFC 5321 reply codes, RFC 3463 enhanced status codes, and the texts
 * real servers use for the common failures (greylisting, relay denied, unknown user, spam, policy
 * blocks, mailbox full, authentication required). Feeds /explain, --explain and send's hints.
 */
public final class ReplyExplainer {
    private static final Map<Integer, String> CODES = new LinkedHashMap<>();
    private static final Map<String, EnhancedCode> ENHANCED = new LinkedHashMap<>();
    private static final List<TextClue> CLUES = new ArrayList<>();

    /**
     * One RFC 3463 subject.detail.
     *
     * @param topic   what the code is about, for a success code with no meaning of its own
     * @param problem what it means in a 4.x.x or 5.x.x reply
     * @param success what it means in a 2.x.x reply, or null when servers do not use it that way
     */
    private record EnhancedCode(String topic, String problem, String success) {
    }

    private static void enhanced(String code, String topic, String problem, String success) {
        ENHANCED.put(code, new EnhancedCode(topic, problem, success));
    }

    /** A phrase real servers put in a reply, what it means, and what to do. */
    private record TextClue(List<String> phrases, String meaning, String hint, String sessionHint) {
        TextClue(List<String> phrases, String meaning, String hint) {
            this(phrases, meaning, hint, hint);
        }
    }

    static {
        CODES.put(211, "system status or help reply");
        CODES.put(214, "help message");
        CODES.put(220, "the service is ready: the server's greeting (or the go-ahead for STARTTLS)");
        CODES.put(221, "the server is closing the connection, as asked by QUIT");
        CODES.put(235, "authentication succeeded");
        CODES.put(250, "the command succeeded");
        CODES.put(251, "the user is not local; the server will forward the message");
        CODES.put(252, "the server cannot verify the user but will accept mail for it");
        CODES.put(334, "the server waits for the next part of the AUTH exchange (base64)");
        CODES.put(354, "the server waits for the message: send it, then a line holding only a dot");
        CODES.put(421, "the service is not available and the server is closing the connection; try again later");
        CODES.put(450, "the mailbox is unavailable for now (busy, or blocked for policy reasons); try again later");
        CODES.put(451, "the server hit a local error or a temporary policy (such as greylisting); try again later");
        CODES.put(452, "the server is short of storage, or the mailbox is full, or too many recipients; try again later");
        CODES.put(454, "TLS or authentication is temporarily unavailable");
        CODES.put(455, "the server cannot take the parameters now");
        CODES.put(500, "syntax error: the command was not recognised (or the line was too long)");
        CODES.put(501, "syntax error in the command's parameters or arguments");
        CODES.put(502, "the command is not implemented");
        CODES.put(503, "bad sequence of commands: something else had to come first");
        CODES.put(504, "a parameter of the command is not implemented");
        CODES.put(521, "this host does not accept mail at all");
        CODES.put(530, "authentication (or STARTTLS) is required first");
        CODES.put(534, "the authentication mechanism is too weak");
        CODES.put(535, "authentication failed: wrong user name or password");
        CODES.put(538, "encryption is required for this authentication mechanism");
        CODES.put(550, "the mailbox is unavailable: it does not exist, or the server refuses it for policy reasons");
        CODES.put(551, "the user is not local");
        CODES.put(552, "the message is too big, or the mailbox is over its storage allocation");
        CODES.put(553, "the mailbox name is not allowed: usually a malformed or refused address");
        CODES.put(554, "the transaction failed, or (as a greeting) no SMTP service here; usually a policy rejection");
        CODES.put(555, "MAIL FROM or RCPT TO parameters not recognised");
        CODES.put(556, "the domain does not accept mail (null MX)");

        // RFC 3463 (and RFC 4954, 7372, 7505, 8098 for X.7.8 and later): each subject.detail with what
        // it is about, what it means as a failure (4.x.x, 5.x.x) and, where servers use it for
        // success, what it means as 2.x.x. Postfix says 2.1.0 to MAIL, 2.1.5 to RCPT, 2.0.0 when
        // it queues, 2.7.0 after a login.
        enhanced("X.0.0", "nothing in particular", "no further detail", "done, nothing more to say");
        enhanced("X.1.0", "an address", "something is wrong with an address",
                "the address is fine (for MAIL FROM: the sender, or \"originator\", is accepted)");
        enhanced("X.1.1", "the recipient's mailbox", "the mailbox does not exist: unknown user", null);
        enhanced("X.1.2", "the recipient's domain", "the destination domain does not exist or does not accept mail", null);
        enhanced("X.1.3", "the recipient address's syntax", "the destination address is malformed", null);
        enhanced("X.1.4", "the recipient address", "the destination address is ambiguous", null);
        enhanced("X.1.5", "the recipient address", "the destination address is valid",
                "the recipient address is valid: the server will take mail for it");
        enhanced("X.1.6", "the recipient's mailbox", "the mailbox has moved and there is no forwarding address", null);
        enhanced("X.1.7", "the sender address's syntax", "the sender's address is malformed", null);
        enhanced("X.1.8", "the sender's domain", "the sender's domain is not valid (it does not exist, or has no mail "
                + "records)", null);
        enhanced("X.1.9", "the recipient's mailbox", "the message was relayed to a system that does not speak SMTP",
                "the message was handed to a system that does not speak SMTP");
        enhanced("X.1.10", "the recipient's domain", "the recipient's domain has a null MX: it accepts no mail", null);
        enhanced("X.2.0", "the mailbox", "something is wrong with the mailbox", "the mailbox is fine");
        enhanced("X.2.1", "the mailbox", "the mailbox is disabled", null);
        enhanced("X.2.2", "the mailbox", "the mailbox is full", null);
        enhanced("X.2.3", "the message's length", "the message is larger than the mailbox accepts", null);
        enhanced("X.2.4", "a mailing list", "a mailing list expansion problem", null);
        enhanced("X.3.0", "the mail system", "a problem with the mail system", "the mail system took it");
        enhanced("X.3.1", "the mail system", "the mail system is full", null);
        enhanced("X.3.2", "the mail system", "the system is not accepting messages (shutting down, maintenance)", null);
        enhanced("X.3.3", "the mail system", "the system cannot do a feature the message needs", null);
        enhanced("X.3.4", "the message's size", "the message is too big for the system", null);
        enhanced("X.3.5", "the mail system", "the system is not configured properly", null);
        enhanced("X.3.6", "the message's priority", "the requested priority was changed", null);
        enhanced("X.4.0", "the network", "a network or routing problem", "the network step went fine");
        enhanced("X.4.1", "the next host", "no answer from the host", null);
        enhanced("X.4.2", "the connection", "bad connection", null);
        enhanced("X.4.3", "DNS", "a directory server (DNS) failure", null);
        enhanced("X.4.4", "routing", "unable to route", null);
        enhanced("X.4.5", "the mail system", "the mail system is congested", null);
        enhanced("X.4.6", "routing", "a routing loop was detected", null);
        enhanced("X.4.7", "the delivery time", "the delivery time expired", null);
        enhanced("X.5.0", "the SMTP dialogue", "a protocol problem", "the command was taken");
        enhanced("X.5.1", "the command", "invalid command", null);
        enhanced("X.5.2", "the command's syntax", "syntax error", null);
        enhanced("X.5.3", "the recipients", "too many recipients", null);
        enhanced("X.5.4", "the command's arguments", "invalid command arguments", null);
        enhanced("X.5.5", "the protocol version", "wrong protocol version", null);
        enhanced("X.5.6", "the message's line lengths", "a line of the message is too long for the server", null);
        enhanced("X.6.0", "the message's content", "a problem with the message content or its conversion",
                "the message content is accepted");
        enhanced("X.6.1", "the message's media type", "the media type is not supported", null);
        enhanced("X.6.2", "converting the message", "conversion is needed but forbidden", null);
        enhanced("X.6.3", "converting the message", "conversion is needed but not supported", null);
        enhanced("X.6.4", "converting the message", "the message was converted with loss", "converted, with some loss");
        enhanced("X.6.5", "converting the message", "conversion failed", null);
        enhanced("X.6.6", "the message's content", "the message content is not available", null);
        enhanced("X.6.7", "non-ASCII addresses", "non-ASCII addresses are not allowed for this recipient (SMTPUTF8)", null);
        enhanced("X.6.8", "non-ASCII addresses", "a UTF-8 address was given, but this recipient needs ASCII", null);
        enhanced("X.7.0", "security or policy", "refused for security or policy reasons",
                "the security step succeeded (such as a login)");
        enhanced("X.7.1", "permission to deliver", "delivery not authorised: refused by policy (relaying, blocklists, "
                + "rules)", null);
        enhanced("X.7.2", "a mailing list", "mailing list expansion is not allowed", null);
        enhanced("X.7.3", "security conversion", "a security conversion is needed but not possible", null);
        enhanced("X.7.4", "security features", "the security features are not supported", null);
        enhanced("X.7.5", "cryptography", "a cryptographic failure", null);
        enhanced("X.7.6", "cryptography", "the cryptographic algorithm is not supported", null);
        enhanced("X.7.7", "the message's integrity", "the message failed an integrity check", null);
        enhanced("X.7.8", "the login", "authentication credentials are invalid", null);
        enhanced("X.7.9", "the login", "the authentication mechanism is too weak", null);
        enhanced("X.7.10", "encryption", "encryption is needed", null);
        enhanced("X.7.11", "encryption", "encryption is required for the requested mechanism", null);
        enhanced("X.7.12", "the login", "a password transition is needed", null);
        enhanced("X.7.13", "the account", "the user account is disabled", null);
        enhanced("X.7.14", "trust", "a trust relationship is needed", null);
        enhanced("X.7.15", "the message's priority", "the priority level is too low", null);
        enhanced("X.7.16", "the message's size", "the message is too big for its priority", null);
        enhanced("X.7.17", "the mailbox owner", "the mailbox owner has changed", null);
        enhanced("X.7.18", "the domain owner", "the domain owner has changed", null);
        enhanced("X.7.19", "RRVS", "the RRVS test cannot be completed", null);
        enhanced("X.7.20", "DKIM", "no passing DKIM signature was found", null);
        enhanced("X.7.21", "DKIM", "no acceptable DKIM signature was found", null);
        enhanced("X.7.22", "DKIM", "no valid author-matched DKIM signature was found", null);
        enhanced("X.7.23", "SPF", "SPF validation failed", null);
        enhanced("X.7.24", "SPF", "an SPF validation error", null);
        enhanced("X.7.25", "reverse DNS", "the sending host's reverse DNS does not match", null);
        enhanced("X.7.26", "sender authentication", "the message failed authentication checks (DKIM, SPF, DMARC)", null);
        enhanced("X.7.27", "the sender's domain", "the sender's domain has a null MX, so replies could not reach it", null);
        enhanced("X.7.28", "the message", "the message looks like bulk mail the server rejects by policy", null);
        enhanced("X.7.29", "ARC", "ARC validation failed", null);
        enhanced("X.7.30", "REQUIRETLS", "REQUIRETLS support is needed", null);

        // The most specific phrases first: "need fully-qualified address" also says "sender address rejected".
        CLUES.add(new TextClue(List.of("fully-qualified", "fully qualified"),
                "the address has no domain: the server wants user@domain",
                "write the address in full, such as <alice@example.com>"));
        CLUES.add(new TextClue(List.of("no valid recipients", "no valid recipient"),
                "every RCPT TO was refused, so there is no one to send the message to",
                "look at the replies to RCPT TO and fix the recipients before DATA"));
        CLUES.add(new TextClue(List.of("greylist", "grey-list", "graylist", "try again later, greylisted"),
                "greylisting: the server refuses the first attempt from an unknown client, sender and recipient",
                "retry after a few minutes; a real mail server does this by itself"));
        CLUES.add(new TextClue(List.of("relay access denied", "relaying denied", "relay not permitted", "unable to relay"),
                "relay denied: the server does not accept mail for that domain from you",
                "send to a domain this server handles, or authenticate (AUTH) so it will relay for you"));
        CLUES.add(new TextClue(List.of("user unknown", "unknown user", "no such user", "mailbox unavailable",
                "recipient address rejected", "does not exist"),
                "the recipient is not known at this server", "check the address for typos"));
        CLUES.add(new TextClue(List.of("sender address rejected", "invalid sender", "sender rejected", "domain not found"),
                "the sender address was refused",
                "use a sender address in a domain that exists and that you are allowed to send for"));
        CLUES.add(new TextClue(List.of("authentication required", "must authenticate", "auth required"),
                "the server wants you to log in (AUTH) before sending",
                "give --auth-user and a password (over STARTTLS or implicit TLS)",
                "type /starttls, then /auth plain USER"));
        CLUES.add(new TextClue(List.of("must issue a starttls", "starttls first", "encryption required"),
                "the server wants an encrypted connection first", "use --starttls, or --tls on port 465",
                "type /starttls (or start the session with --tls on port 465)"));
        CLUES.add(new TextClue(List.of("mailbox full", "over quota", "quota exceeded", "insufficient storage"),
                "the recipient's mailbox is full", "the recipient has to make room; try again later"));
        // Blocklists before spam: "spamhaus" holds "spam" but says the client's address is listed.
        CLUES.add(new TextClue(List.of("blocked", "blacklist", "blocklist", "spamhaus", "listed at", "rbl", "policy"),
                "blocked by policy: often your IP address is on a blocklist or the server's rules refuse you",
                "check whether your address is listed (e.g. on Spamhaus) and read the URL in the reply, if any"));
        CLUES.add(new TextClue(List.of("spam", "content filter", "looks like spam", "message content rejected"),
                "the message was judged to be spam", "look at the content, links and sender authentication (SPF, DKIM)"));
        CLUES.add(new TextClue(List.of("too many connections", "rate limit", "too many messages", "slow down"),
                "rate limited: you opened too many connections or sent too fast",
                "wait, then send more slowly or over fewer connections"));
        CLUES.add(new TextClue(List.of("size exceeds", "too big", "too large", "message size"),
                "the message is larger than the server accepts",
                "send a smaller message (the EHLO reply's SIZE says the limit)"));
        CLUES.add(new TextClue(List.of("spf"), "SPF check failed: your server is not allowed to send for that domain",
                "add this sending host to the domain's SPF record"));
    }

    private ReplyExplainer() {
    }

    /** What a reply means on its own. */
    public static Explanation explain(Reply reply) {
        return explain(reply, null, false);
    }

    /**
     * What a reply means as the answer to {@code command} (null for the greeting or a reply nobody
     * asked for), with hints for {@code smtplab send}.
     */
    public static Explanation explain(Reply reply, String command) {
        return explain(reply, command, false);
    }

    /** As {@link #explain(Reply, String)}, with hints that name the session's helpers (/starttls, /auth). */
    public static Explanation explainInSession(Reply reply, String command) {
        return explain(reply, command, true);
    }

    private static final java.util.regex.Pattern QUEUED_AS = java.util.regex.Pattern.compile(
            "(?i)queued as ([^\\s;]+)");

    private static Explanation explain(Reply reply, String command, boolean inSession) {
        String verb = command == null ? null : command.trim().split("\\s+")[0].toUpperCase(Locale.ROOT);
        List<String> details = new ArrayList<>();
        String basic = CODES.getOrDefault(reply.code(), classMeaning(reply.code()));
        details.add(reply.code() + ": " + basic);
        Optional<String> enhanced = reply.enhancedCode();
        enhanced.ifPresent(code -> details.add(code + ": " + enhancedMeaning(code)));
        Optional<TextClue> clue = reply.isPositive() ? Optional.empty() : clue(reply);
        clue.ifPresent(found -> details.add("the text says: " + found.meaning()));
        details.addAll(inContext(reply, verb));
        String hint = clue.map(found -> inSession ? found.sessionHint() : found.hint())
                .orElseGet(() -> defaultHint(reply, verb, inSession));
        return new Explanation(summary(reply, verb), details, hint);
    }

    /** What the command a reply answers adds to its meaning. */
    private static List<String> inContext(Reply reply, String verb) {
        List<String> notes = new ArrayList<>();
        if (verb == null && reply.code() == 421) {
            notes.add("nothing asked for this reply: a 421 out of the blue usually means the server's idle timeout "
                    + "passed (RFC 5321, 4.5.3.2.7: at least 5 minutes) or the server is shutting down");
        }
        if ("EHLO".equals(verb) && reply.isPositive()) {
            notes.add("the first line names the server; each line after it is an extension it offers:");
            for (String capability : Capabilities.explain(reply.lines().subList(1, reply.lines().size()))) {
                notes.add("  " + capability);
            }
        }
        java.util.regex.Matcher queued = QUEUED_AS.matcher(reply.text());
        if (reply.isPositive() && queued.find()) {
            notes.add("the server has taken responsibility for the message: from now on delivering it, or "
                    + "bouncing it, is the server's job");
            notes.add(queued.group(1) + " is its queue id: search the server's mail log for it; in SMTP Lab it is "
                    + "the message's id in the API and the web UI (/api/v1/messages/" + queued.group(1) + ")");
        }
        if ("DATA".equals(verb) && reply.code() == 554) {
            notes.add("a 554 to DATA usually means every RCPT TO was refused: there is no one to send to");
        }
        return notes;
    }

    /** The one-line hint send prints on failure. */
    public static String hint(Reply reply) {
        return explain(reply).hint();
    }

    private static String summary(Reply reply, String verb) {
        if (reply.isPositive() || reply.isIntermediate()) {
            String about = verb == null ? null : switch (verb) {
                case "EHLO", "HELO" -> reply.isPositive() ? "success: the server greets you back" : null;
                case "MAIL" -> reply.isPositive() ? "success: the server accepts this envelope sender" : null;
                case "RCPT" -> reply.isPositive() ? "success: the server accepts this recipient" : null;
                case "DATA" -> reply.code() == 354 ? "go on: type the message; a line with only \".\" ends it" : null;
                case "." -> reply.isPositive() ? "success: the server accepted the message" : null;
                case "STARTTLS" -> reply.code() == 220 ? "go on: the TLS handshake starts now" : null;
                case "AUTH" -> reply.code() == 235 ? "success: logged in"
                        : reply.code() == 334 ? "go on: the server waits for the next part of the login" : null;
                case "QUIT" -> reply.code() == 221 ? "goodbye: the server closes the connection" : null;
                case "RSET" -> reply.isPositive() ? "success: the transaction is forgotten; start again with MAIL FROM"
                        : null;
                default -> null;
            };
            if (about != null) {
                return about;
            }
            return reply.isPositive() ? "success" : "go on";
        }
        if (reply.isTemporaryFailure()) {
            return "temporary failure: the same command may work later";
        }
        return "permanent failure: the same command will fail again";
    }

    private static String classMeaning(int code) {
        return switch (code / 100) {
            case 2 -> "success";
            case 3 -> "go on";
            case 4 -> "temporary failure";
            default -> "permanent failure";
        };
    }

    /** What an enhanced status code says, by its class: "permanent, the mailbox does not exist: unknown user". */
    static String enhancedMeaning(String code) {
        String[] parts = code.split("\\.");
        EnhancedCode known = ENHANCED.get("X." + parts[1] + "." + parts[2]);
        boolean exact = known != null;
        if (!exact) {
            known = ENHANCED.get("X." + parts[1] + ".0");
        }
        if (known == null) {
            return "not a code this tool knows";
        }
        return switch (code.charAt(0)) {
            case '2' -> "success, " + (exact && known.success() != null ? known.success()
                    : "with a note about " + known.topic());
            case '4' -> "temporary, " + known.problem();
            default -> "permanent, " + known.problem();
        };
    }

    /** Every subject.detail in the table, for tests: "X.1.1", ... */
    static List<String> knownEnhancedCodes() {
        return List.copyOf(ENHANCED.keySet());
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

    private static String defaultHint(Reply reply, String verb, boolean inSession) {
        if (reply.isPositive() || reply.isIntermediate()) {
            return "";
        }
        if (inSession && reply.code() == 530) {
            return "type /starttls, then /auth plain USER";
        }
        return switch (reply.code()) {
            case 421 -> verb == null ? "connect again, and type the next command within the server's timeout"
                    : "the server is closing the connection; connect again later";
            case 500, 501 -> "check the command's spelling and syntax (RFC 5321, 4.1)";
            case 502, 504 -> "this server does not support that; use another command or parameter";
            case 503 -> "send the commands in order: EHLO, MAIL FROM, RCPT TO, DATA";
            case 530 -> "authenticate (AUTH) or start TLS first";
            case 535 -> "check the user name and password";
            case 552 -> "send a smaller message";
            case 553 -> "check the address: it may be malformed or not allowed here";
            default -> reply.isTemporaryFailure() ? "try again later" : "read the reply text; retrying will not help";
        };
    }
}
