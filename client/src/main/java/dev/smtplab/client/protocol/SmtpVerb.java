package dev.smtplab.client.protocol;

import java.util.Locale;

/** The verb of a command line as typed: its first word, upper-cased ("mail from:<a>" is MAIL). */
public final class SmtpVerb {
    private SmtpVerb() {
    }

    public static String of(String line) {
        String trimmed = line.trim();
        int space = trimmed.indexOf(' ');
        return (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
    }
}
