package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.Personality;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last word on each reply line before it leaves: what a TLS session must not offer, and, in
 * the strict mode, SubEthaSMTP's fixed texts said as Postfix 3.7 says them, with an enhanced
 * status code (each taken from a real Postfix on a loopback port), then as the connection's
 * personality says them, if it has one: the greeting, 354, the message's 250, STARTTLS's 220 and
 * AUTH's 235, each known by its text (the strict mode words the other replies where it makes them).
 */
final class ReplyWording {
    /** SubEthaSMTP's answer to a read that timed out, whichever deadline it was. */
    static final String LIBRARY_TIMEOUT = "421 Timeout waiting for data from client.";

    private static final Map<String, String> POSTFIX_TEXTS = Map.ofEntries(
            Map.entry("235 Authentication successful.", "235 2.7.0 Authentication successful"),
            Map.entry("503 Refusing any other AUTH command.", "503 5.5.1 Error: already authenticated"),
            Map.entry("501 Syntax: AUTH mechanism [initial-response]", "501 5.5.4 Syntax: AUTH mechanism"),
            Map.entry("504 The requested authentication mechanism is not supported",
                    "504 5.5.4 Unrecognized authentication type"),
            Map.entry("501 Authentication canceled by client.", "501 5.7.0 Authentication aborted"),
            Map.entry("502 Authentication not supported", "503 5.5.1 Error: authentication not enabled"),
            Map.entry("220 Ready to start TLS", "220 2.0.0 Ready to start TLS"),
            Map.entry("454 TLS not supported", "502 5.5.1 Error: command not implemented"),
            Map.entry("503 Error: need RCPT command", "503 5.5.1 Error: need RCPT command"),
            // Postfix has no EXPN at all.
            Map.entry("502 EXPN command is disabled", "500 5.5.2 Error: command not recognized"));
    private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as (\\S+)");
    private static final Pattern CHUNK_RECEIVED = Pattern.compile("250 Message OK, (\\d+) bytes received");
    /** SubEthaSMTP's answer to another command between BDAT chunks; it quotes the line, our NUL marker too. */
    private static final String NOT_BDAT = "503 Error: expected BDAT command line but encountered: ";

    private final boolean overTls;
    private final String timeoutReply;
    private final ConnectionWords words;
    /** No line has gone out through this wording yet: a 220 now is the greeting. */
    private boolean first = true;

    /**
     * @param overTls  the line goes out over TLS, where STARTTLS is never offered (RFC 3207, 4.2)
     * @param hostName the server's name for Postfix's texts; null keeps SubEthaSMTP's (the lenient mode)
     * @param words    the connection's personality, if any; null for none
     */
    ReplyWording(boolean overTls, String hostName, ConnectionWords words) {
        this.overTls = overTls;
        this.timeoutReply = hostName == null ? null : "421 4.4.2 " + hostName + " Error: timeout exceeded";
        this.words = words;
    }

    /** The line to send instead, or null to hold it back. */
    String reword(String line) {
        boolean greeting = first && line.startsWith("220 ");
        first = false;
        String postfix = postfixWording(line);
        if (postfix == null || timeoutReply == null || words == null || words.personality().isEmpty()) {
            return postfix;
        }
        return greeting ? words.greeting(postfix) : personalityWording(postfix);
    }

    /** The replies the library sends that a personality words, known by their (Postfix) text. */
    private String personalityWording(String line) {
        Matcher queued = QUEUED.matcher(line);
        if (queued.matches()) {
            return words.reply(Personality.Reply.MESSAGE, line, null, null, queued.group(1));
        }
        return switch (line) {
            case "354 End data with <CR><LF>.<CR><LF>" -> words.reply(Personality.Reply.DATA, line, null, null, null);
            case "220 2.0.0 Ready to start TLS" -> words.reply(Personality.Reply.STARTTLS, line, null, null, null);
            case "235 2.7.0 Authentication successful" -> words.reply(Personality.Reply.AUTH, line, null, null, null);
            default -> line;
        };
    }

    private String postfixWording(String line) {
        if (overTls && line.regionMatches(true, 0, "250-STARTTLS", 0, 12)) {
            return null;
        }
        if (timeoutReply == null) {
            return line;
        }
        if (line.equals(LIBRARY_TIMEOUT)) {
            return timeoutReply;
        }
        String postfix = POSTFIX_TEXTS.get(line);
        if (postfix != null) {
            return postfix;
        }
        if (line.startsWith(NOT_BDAT)) {
            return "503 5.5.1 Error: only BDAT may follow a BDAT chunk, until the one with LAST";
        }
        Matcher chunk = CHUNK_RECEIVED.matcher(line);
        return chunk.matches() ? "250 2.0.0 Ok: " + chunk.group(1) + " bytes" : line;
    }
}
