package dev.smtplab.server.scenario;

import java.util.Locale;
import java.util.Optional;

/** Where in the SMTP dialogue a rule applies. */
public enum SmtpStage {
    /** A client connected; before the greeting. */
    CONNECT,
    /** HELO or EHLO. */
    HELO,
    STARTTLS,
    AUTH,
    MAIL,
    RCPT,
    /** The DATA command, before the 354. */
    DATA,
    /** The message content, after the final dot (or the last BDAT chunk). */
    MESSAGE,
    RSET,
    NOOP,
    VRFY,
    QUIT,
    /** Every command. */
    ANY_COMMAND;

    /** Whether a rule at this stage sees an event at that one: its own, or any command for ANY_COMMAND. */
    public boolean covers(SmtpStage event) {
        return this == event || (this == ANY_COMMAND && event != CONNECT && event != MESSAGE);
    }

    /** The stage of a command verb, if it has one of its own. */
    public static Optional<SmtpStage> ofVerb(String verb) {
        return switch (verb.toUpperCase(Locale.ROOT)) {
            case "HELO", "EHLO" -> Optional.of(HELO);
            case "STARTTLS" -> Optional.of(STARTTLS);
            case "AUTH" -> Optional.of(AUTH);
            case "MAIL" -> Optional.of(MAIL);
            case "RCPT" -> Optional.of(RCPT);
            case "DATA", "BDAT" -> Optional.of(DATA);
            case "RSET" -> Optional.of(RSET);
            case "NOOP" -> Optional.of(NOOP);
            case "VRFY" -> Optional.of(VRFY);
            case "QUIT" -> Optional.of(QUIT);
            default -> Optional.empty();
        };
    }

    /** The name used in rules files and the API: "rcpt", "any-command". */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<SmtpStage> ofKey(String key) {
        for (SmtpStage stage : values()) {
            if (stage.key().equalsIgnoreCase(key.trim())) {
                return Optional.of(stage);
            }
        }
        return Optional.empty();
    }
}
