package dev.smtplab.client.learn;

import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.SmtpVerb;
import dev.smtplab.client.send.DotStuffing;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What is wrong with a line the learner typed, before it goes out: a misspelt verb, full-width
 * characters from an input method, a MAIL FROM without its colon or angle brackets, a command out
 * of order, a header typed as a command. Each finding names the problem and the fix; the lesson
 * holds the line back (the learner may /send it anyway, to see what the server says).
 */
final class CommandReview {
    static final List<String> VERBS = List.of("EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY",
            "EXPN", "HELP", "STARTTLS", "AUTH", "BDAT");
    private static final Pattern MAIL = Pattern.compile("(?i)MAIL FROM:\\s?<[^<>]*>( .*)?");
    private static final Pattern RCPT = Pattern.compile("(?i)RCPT TO:\\s?<[^<>]+>( .*)?");
    private static final Pattern BARE_ADDRESS = Pattern.compile("(?i)(MAIL FROM|RCPT TO):\\s?[^<\\s]+@[^\\s]+");
    private static final Pattern HEADER = Pattern.compile("(?i)(From|To|Cc|Subject|Date|Reply-To):.*");

    private final Texts texts;

    CommandReview(Texts texts) {
        this.texts = texts;
    }

    /** A problem with a command (not message content), in the learner's language; empty when it is fine. */
    Optional<String> command(String line, Dialogue dialogue) {
        String trimmed = line.trim();
        if (trimmed.isEmpty()) {
            return problem("review.empty");
        }
        if (!trimmed.chars().allMatch(c -> c < 0x80)) {
            return problem("review.nonAscii", firstNonAscii(trimmed));
        }
        if (HEADER.matcher(trimmed).matches()) {
            return problem("review.headerAsCommand", trimmed.substring(0, trimmed.indexOf(':') + 1));
        }
        String verb = SmtpVerb.of(trimmed);
        if (!VERBS.contains(verb)) {
            return nearest(verb).map(guess -> text("review.unknownVerb", verb, guess))
                    .or(() -> problem("review.unknownVerb.noGuess", verb));
        }
        String argument = trimmed.length() > verb.length() ? trimmed.substring(verb.length()).trim() : "";
        return switch (verb) {
            case "EHLO", "HELO" -> argument.isEmpty() ? problem("review.heloName", verb) : Optional.empty();
            case "MAIL" -> mail(trimmed, dialogue);
            case "RCPT" -> rcpt(trimmed, dialogue);
            case "DATA" -> !argument.isEmpty() ? problem("review.data.argument")
                    : dialogue.recipientsAccepted() == 0 ? problem("review.data.beforeRcpt") : Optional.empty();
            case "AUTH" -> !dialogue.tls() ? problem("review.auth.noTls") : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** A line of message content: the one mistake worth stopping is a leading dot that will vanish. */
    Optional<String> content(String line) {
        if (DotStuffing.losesLeadingDot(line)) {
            return problem("review.content.dot", line, line.substring(1));
        }
        return Optional.empty();
    }

    private Optional<String> mail(String line, Dialogue dialogue) {
        if (!dialogue.helloed()) {
            return problem("review.mail.beforeHelo");
        }
        if (dialogue.mailAccepted()) {
            return problem("review.mail.nested");
        }
        if (MAIL.matcher(line).matches()) {
            return Optional.empty();
        }
        if (BARE_ADDRESS.matcher(line).matches()) {
            return problem("review.brackets", "MAIL FROM:", line.substring(line.indexOf(':') + 1).trim());
        }
        return problem("review.mail.syntax");
    }

    private Optional<String> rcpt(String line, Dialogue dialogue) {
        if (!dialogue.mailAccepted()) {
            return problem("review.rcpt.beforeMail");
        }
        if (RCPT.matcher(line).matches()) {
            return Optional.empty();
        }
        if (BARE_ADDRESS.matcher(line).matches()) {
            return problem("review.brackets", "RCPT TO:", line.substring(line.indexOf(':') + 1).trim());
        }
        return problem("review.rcpt.syntax");
    }

    /** The known verb one or two typing mistakes away (EHOL, MIAL, RCTP), if any. */
    static Optional<String> nearest(String verb) {
        String best = null;
        int bestDistance = 3;
        for (String known : VERBS) {
            int distance = distance(verb, known);
            if (distance < bestDistance) {
                best = known;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Edit distance where swapping two neighbours counts as one mistake (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** The first character of the line that is not ASCII (the line must have one). */
    static String firstNonAscii(String line) {
        int at = 0;
        while (line.charAt(at) < 0x80) {
            at++;
        }
        return new String(Character.toChars(line.codePointAt(at)));
    }

    private Optional<String> problem(String key, Object... arguments) {
        return Optional.of(text(key, arguments));
    }

    private String text(String key, Object... arguments) {
        return texts.get(key, arguments);
    }

}
