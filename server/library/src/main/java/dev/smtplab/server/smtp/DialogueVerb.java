package dev.smtplab.server.smtp;

import java.util.Locale;

/** The verb of a command line: its first word, in capitals. */
final class DialogueVerb {
    private DialogueVerb() {
    }

    static String of(String commandLine) {
        String trimmed = commandLine.strip();
        int space = trimmed.indexOf(' ');
        return (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
    }
}
