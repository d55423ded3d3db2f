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
    private static final Map<String, String> ENHANCED = new LinkedHashMap<>();
    private static final List<TextClue> CLUES = new ArrayList<>();

    /** A phrase real servers put in a reply, what it means, and what to do. */
    private record TextClue(List<String> phrases, String meaning, String hint) {
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

        ENHANCED.put("X.0.0", "no further detail");
        ENHANCED.put("X.1.0", "something is wrong with an address");
        ENHANCED.put("X.1.1", "the mailbox does not exist: unknown user");
        ENHANCED.put("X.1.2", "the destination domain does not exist or does not accept mail");
        ENHANCED.put("X.1.3", "the destination address is malformed");
        ENHANCED.put("X.1.4", "the destination address is ambiguous");
        ENHANCED.put("X.1.6", "the mailbox has moved");
        ENHANCED.put("X.1.7", "the sender's address is malformed");
        ENHANCED.put("X.1.8", "the sender's domain is not valid (it does not exist, or has no mail records)");
        ENHANCED.put("X.1.10", "the recipient's domain has a null MX: it accepts no mail");
        ENHANCED.put("X.2.0", "something is wrong with the mailbox");
        ENHANCED.put("X.2.1", "the mailbox is disabled");
        ENHANCED.put("X.2.2", "the mailbox is full");
        ENHANCED.put("X.2.3", "the message is larger than the mailbox accepts");
        ENHANCED.put("X.2.4", "a mailing list expansion problem");
        ENHANCED.put("X.3.0", "a problem with the mail system");
        ENHANCED.put("X.3.1", "the mail system is full");
        ENHANCED.put("X.3.2", "the system is not accepting messages (shutting down, maintenance)");
        ENHANCED.put("X.3.4", "the message is too big for the system");
        ENHANCED.put("X.3.5", "the system is not configured properly");
        ENHANCED.put("X.4.0", "a network or routing problem");
        ENHANCED.put("X.4.1", "no answer from the host");
        ENHANCED.put("X.4.2", "bad connection");
        ENHANCED.put("X.4.3", "a directory server (DNS) failure");
        ENHANCED.put("X.4.4", "unable to route");
        ENHANCED.put("X.4.5", "the mail system is congested");
        ENHANCED.put("X.4.7", "the delivery time expired");
        ENHANCED.put("X.5.0", "a protocol problem");
        ENHANCED.put("X.5.1", "invalid command");
        ENHANCED.put("X.5.2", "syntax error");
        ENHANCED.put("X.5.3", "too many recipients");
        ENHANCED.put("X.5.4", "invalid command arguments");
        ENHANCED.put("X.5.5", "wrong protocol version");
        ENHANCED.put("X.6.0", "a problem with the message content or its conversion");
        ENHANCED.put("X.7.0", "refused for security or policy reasons");
        ENHANCED.put("X.7.1", "delivery not authorised: refused by policy (relaying, blocklists, rules)");
        ENHANCED.put("X.7.8", "authentication credentials are invalid");
        ENHANCED.put("X.7.9", "the authentication mechanism is too weak");
        ENHANCED.put("X.7.10", "encryption is needed");
        ENHANCED.put("X.7.11", "encryption is required for the requested mechanism");
        ENHANCED.put("X.7.23", "SPF validation failed");
        ENHANCED.put("X.7.25", "the sending host's reverse DNS does not match");
        ENHANCED.put("X.7.26", "the message failed authentication checks (DKIM, SPF, DMARC)");
        ENHANCED.put("X.7.27", "the sender's domain has a null MX, so replies could not reach it");

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
                "give --auth-user and a password (over STARTTLS or implicit TLS)"));
        CLUES.add(new TextClue(List.of("must issue a starttls", "starttls first", "encryption required"),
                "the server wants an encrypted connection first", "use --starttls, or --tls on port 465"));
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

    public static Explanation explain(Reply reply) {
        List<String> details = new ArrayList<>();
        String basic = CODES.getOrDefault(reply.code(), classMeaning(reply.code()));
        details.add(reply.code() + ": " + basic);
        Optional<String> enhanced = reply.enhancedCode();
        enhanced.ifPresent(code -> details.add(code + ": " + enhancedMeaning(code)));
        Optional<TextClue> clue = clue(reply);
        clue.ifPresent(found -> details.add("the text says: " + found.meaning()));
        String summary = summary(reply);
        String hint = clue.map(TextClue::hint).orElseGet(() -> defaultHint(reply));
        return new Explanation(summary, details, hint);
    }

    /** The one-line hint send prints on failure. */
    public static String hint(Reply reply) {
        return explain(reply).hint();
    }

    private static String summary(Reply reply) {
        if (reply.isPositive()) {
            return "success";
        }
        if (reply.isIntermediate()) {
            return "go on";
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

    static String enhancedMeaning(String code) {
        String generic = "X" + code.substring(1);
        String meaning = ENHANCED.get(generic);
        if (meaning == null) {
            String subjectOnly = "X." + code.split("\\.")[1] + ".0";
            meaning = ENHANCED.getOrDefault(subjectOnly, "not a code this tool knows");
        }
        String kind = switch (code.charAt(0)) {
            case '2' -> "success";
            case '4' -> "temporary";
            default -> "permanent";
        };
        return kind + ", " + meaning;
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

    private static String defaultHint(Reply reply) {
        if (reply.isPositive() || reply.isIntermediate()) {
            return "";
        }
        return switch (reply.code()) {
            case 421 -> "the server is closing the connection; connect again later";
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
