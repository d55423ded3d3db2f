package dev.smtplab.server.smtp;

import java.util.Map;

/**
 * Who may log in, and when AUTH is asked for.
 *
 * @param users          user name to password
 * @param acceptAny      any user name and password is accepted
 * @param required       MAIL, RCPT and DATA need a logged-in client (530 5.7.0 otherwise)
 * @param allowPlaintext AUTH is offered before STARTTLS too (normally only over TLS)
 */
public record AuthSettings(Map<String, String> users, boolean acceptAny, boolean required, boolean allowPlaintext) {
    public AuthSettings {
        users = Map.copyOf(users);
    }

    public static AuthSettings none() {
        return new AuthSettings(Map.of(), false, false, false);
    }

    /** Whether AUTH is on at all. */
    public boolean enabled() {
        return acceptAny || !users.isEmpty();
    }
}
