package dev.smtplab.server.smtp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The address and ESMTP parameters of a MAIL FROM or RCPT TO line, as the client wrote them
 * ({@code MAIL FROM:<a@b.test> SIZE=2048 BODY=8BITMIME}).
 */
record EnvelopeCommand(String address, Map<String, String> parameters) {

    /** The envelope of a MAIL or RCPT line; null for any other verb. */
    static EnvelopeCommand of(String verb, String commandLine) {
        return switch (verb) {
            case "MAIL" -> parse(commandLine, "FROM:");
            case "RCPT" -> parse(commandLine, "TO:");
            default -> null;
        };
    }

    /** Parses the argument after the verb; {@code keyword} is "FROM:" or "TO:". */
    static EnvelopeCommand parse(String commandLine, String keyword) {
        String line = commandLine.strip();
        int keywordAt = line.toUpperCase(Locale.ROOT).indexOf(keyword);
        if (keywordAt < 0) {
            return new EnvelopeCommand(line, Map.of());
        }
        String rest = line.substring(keywordAt + keyword.length()).stripLeading();
        String address;
        String parameterText;
        if (rest.startsWith("<")) {
            int close = closingBracket(rest);
            address = close < 0 ? rest.substring(1) : rest.substring(1, close);
            parameterText = close < 0 ? "" : rest.substring(close + 1);
        } else {
            int space = rest.indexOf(' ');
            address = space < 0 ? rest : rest.substring(0, space);
            parameterText = space < 0 ? "" : rest.substring(space + 1);
        }
        return new EnvelopeCommand(address, parseParameters(parameterText));
    }

    // A quoted local part may hold '>' ("a>b"@x.test), so skip quoted text.
    private static int closingBracket(String text) {
        boolean quoted = false;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    static Map<String, String> parseParameters(String text) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String parameter : text.trim().split("\\s+")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            if (equals < 0) {
                parameters.put(parameter.toUpperCase(Locale.ROOT), "");
            } else {
                parameters.put(parameter.substring(0, equals).toUpperCase(Locale.ROOT), parameter.substring(equals + 1));
            }
        }
        return Collections.unmodifiableMap(parameters);
    }
}
