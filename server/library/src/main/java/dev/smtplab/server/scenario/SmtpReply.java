package dev.smtplab.server.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A reply a rule makes the server send: code, optional RFC 3463 enhanced status code, and one or
 * more lines of text. {@code SmtpReply.parse("550 5.1.1 User unknown")} reads the usual notation.
 */
public record SmtpReply(int code, String enhancedCode, List<String> lines) {
    private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    private static final Pattern REPLY = Pattern.compile("(\\d{3})(?: +([245]\\.\\d{1,3}\\.\\d{1,3}))?(?: +(.*))?");

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code " + code + " is not one a server sends: use 200 to 599");
        }
        if (enhancedCode != null) {
            if (!ENHANCED.matcher(enhancedCode).matches()) {
                throw new IllegalArgumentException("\"" + enhancedCode
                        + "\" is not an enhanced status code: use class.subject.detail, such as 5.1.1");
            }
            if (enhancedCode.charAt(0) != Integer.toString(code).charAt(0)) {
                throw new IllegalArgumentException("enhanced status code " + enhancedCode
                        + " does not match reply code " + code + ": both must start with the same digit");
            }
        }
        lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
        if (lines.isEmpty()) {
            lines = List.of("");
        }
        for (String line : lines) {
            if (line.contains("\r") || line.contains("\n")) {
                throw new IllegalArgumentException("a reply line may not hold CR or LF; give several lines instead");
            }
        }
    }

    public static SmtpReply of(int code, String enhancedCode, String... lines) {
        return new SmtpReply(code, enhancedCode, List.of(lines));
    }

    /** Reads "550 5.1.1 User unknown" or "451 Try later"; several lines may be separated by newlines. */
    public static SmtpReply parse(String text) {
        String[] rawLines = text.strip().split("\\r?\\n");
        var matcher = REPLY.matcher(rawLines[0].strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("\"" + rawLines[0].strip()
                    + "\" is not a reply: write the code first, such as \"550 5.1.1 User unknown\"");
        }
        int code = Integer.parseInt(matcher.group(1));
        String enhanced = matcher.group(2);
        List<String> lines = new ArrayList<>();
        lines.add(matcher.group(3) == null ? "" : matcher.group(3));
        for (int i = 1; i < rawLines.length; i++) {
            lines.add(rawLines[i].strip());
        }
        return new SmtpReply(code, enhanced, lines);
    }

    /** The reply with "{address}" in its text replaced, for replies about one sender or recipient. */
    public SmtpReply withAddress(String address) {
        if (lines.stream().noneMatch(line -> line.contains("{address}"))) {
            return this;
        }
        String value = address == null ? "" : address;
        return new SmtpReply(code, enhancedCode, lines.stream().map(line -> line.replace("{address}", value)).toList());
    }

    /** The reply as sent: every line carries the code and, if any, the enhanced code (RFC 2034). */
    public String wireText() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                text.append("\r\n");
            }
            text.append(code).append(i < lines.size() - 1 ? '-' : ' ');
            if (enhancedCode != null) {
                text.append(enhancedCode).append(' ');
            }
            text.append(lines.get(i));
        }
        return text.toString().stripTrailing();
    }

    /** The reply on one line, for people: its lines joined by " / ". */
    public String oneLine() {
        return wireText().replace("\r\n", " / ");
    }

    /** The text after the code, for SubEthaSMTP's exceptions, which add the code themselves. */
    public String textAfterCode() {
        return wireText().substring(4);
    }

    @Override
    public String toString() {
        return wireText().replace("\r\n", " / ");
    }
}
