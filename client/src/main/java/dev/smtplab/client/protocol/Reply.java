package dev.smtplab.client.protocol;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMTP reply: its code and every line's text (RFC 5321, 4.2). A multi-line reply such as the
 * answer to EHLO keeps all its lines.
 *
 * @param code  the three-digit reply code
 * @param lines the text of each line, without the code and the separator
 */
public record Reply(int code, List<String> lines) {
    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})(?:\\s|$)");

    public Reply {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("a reply code is 100 to 599, got " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
    }

    public static Reply of(int code, String... lines) {
        return new Reply(code, List.of(lines));
    }

    /** 2xx: the command succeeded. */
    public boolean isPositive() {
        return code >= 200 && code < 300;
    }

    /** 3xx: go on (354 after DATA, 334 during AUTH). */
    public boolean isIntermediate() {
        return code >= 300 && code < 400;
    }

    /** 4xx: failed this time; trying again later may work. */
    public boolean isTemporaryFailure() {
        return code >= 400 && code < 500;
    }

    /** 5xx: failed; trying the same again will fail again. */
    public boolean isPermanentFailure() {
        return code >= 500;
    }

    /** The RFC 3463 enhanced status code at the start of the first line ("5.1.1"), if there is one. */
    public Optional<String> enhancedCode() {
        Matcher matcher = ENHANCED.matcher(lines.get(0));
        return matcher.find() ? Optional.of(matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3))
                : Optional.empty();
    }

    /** The lines' text joined by spaces, without codes: what the server said, in one line. */
    public String text() {
        return String.join(" ", lines).trim();
    }

    /** The reply as it went over the wire, lines separated by CRLF. */
    public String wireText() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                text.append("\r\n");
            }
            text.append(code).append(i < lines.size() - 1 ? '-' : ' ').append(lines.get(i));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return wireText().replace("\r\n", " | ");
    }
}
