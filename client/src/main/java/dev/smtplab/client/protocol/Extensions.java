package dev.smtplab.client.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The service extensions an EHLO reply announced, one per line after the greeting line
 * ("SIZE 10240000", "AUTH PLAIN LOGIN", "STARTTLS"). Keywords are case-insensitive (RFC 5321,
 * 4.1.1.1); some old servers write "AUTH=PLAIN", which counts too.
 */
public record Extensions(List<String> lines) {
    public static final Extensions NONE = new Extensions(List.of());

    public Extensions {
        lines = List.copyOf(lines);
    }

    public boolean offers(String keyword) {
        return arguments(keyword).isPresent();
    }

    /** The words after the keyword ("AUTH PLAIN LOGIN" gives [PLAIN, LOGIN]), if it is offered. */
    public Optional<List<String>> arguments(String keyword) {
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.equalsIgnoreCase(keyword)) {
                return Optional.of(List.of());
            }
            if (trimmed.length() > keyword.length() && trimmed.regionMatches(true, 0, keyword, 0, keyword.length())
                    && (trimmed.charAt(keyword.length()) == ' ' || trimmed.charAt(keyword.length()) == '=')) {
                String rest = trimmed.substring(keyword.length() + 1).trim();
                return Optional.of(rest.isEmpty() ? List.of() : Arrays.stream(rest.split("\\s+"))
                        .map(word -> word.toUpperCase(Locale.ROOT)).toList());
            }
        }
        return Optional.empty();
    }
}
