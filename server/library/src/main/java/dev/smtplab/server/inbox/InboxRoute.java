package dev.smtplab.server.inbox;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One way mail reaches an inbox: by an accepted recipient ({@code rcpt:*@team-a.test}, or a bare
 * domain {@code rcpt:team-a.test}) or by the user the client logged in as ({@code auth:ci-bot}).
 * Patterns are case-insensitive; {@code *} stands for any run of characters. (A listener of its
 * own, {@code --smtp-port NAME=PORT}, is the third way; it is the listener's, not a route.)
 */
public record InboxRoute(Kind kind, String pattern) {
    public enum Kind {
        RCPT("rcpt"), AUTH("auth");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    public InboxRoute {
        Objects.requireNonNull(kind, "kind");
        if (pattern == null || pattern.isBlank() || pattern.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("a " + kind.key + " route needs a pattern without spaces, got \""
                    + pattern + "\"");
        }
        pattern = pattern.toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@code rcpt:PATTERN} or {@code auth:PATTERN}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static InboxRoute parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("route \"" + text + "\": use rcpt:PATTERN (such as rcpt:*@team-a.test)"
                    + " or auth:USER");
        }
        String kind = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String pattern = text.substring(colon + 1).trim();
        for (Kind candidate : Kind.values()) {
            if (candidate.key.equals(kind)) {
                return new InboxRoute(candidate, pattern);
            }
        }
        throw new IllegalArgumentException("route \"" + text + "\": \"" + kind + "\" is not a kind of route; use rcpt "
                + "or auth");
    }

    /** True when this route takes mail with this recipient (for rcpt) or from this user (for auth). */
    public boolean matches(String value) {
        if (value == null) {
            return false;
        }
        String candidate = value.toLowerCase(Locale.ROOT);
        if (kind == Kind.RCPT && pattern.indexOf('@') < 0) {
            // A bare domain: every address at it.
            return glob(pattern).matcher(candidate.substring(candidate.lastIndexOf('@') + 1)).matches();
        }
        return glob(pattern).matcher(candidate).matches();
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    @Override
    public String toString() {
        return kind.key + ":" + pattern;
    }
}
