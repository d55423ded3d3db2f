package dev.smtplab.client.explain;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What each EHLO capability means, in plain words ({@code ehlo.KEYWORD} texts). */
public final class Capabilities {
    private Capabilities() {
    }

    /** In English (diagnose's report). */
    public static List<String> explain(List<String> capabilities) {
        return explain(Texts.of(Language.ENGLISH), capabilities);
    }

    public static List<String> explain(Texts texts, List<String> capabilities) {
        List<String> notes = new ArrayList<>();
        for (String capability : capabilities) {
            String[] words = capability.trim().split("\\s+", 2);
            String keyword = words[0].toUpperCase(Locale.ROOT);
            String argument = words.length > 1 ? words[1] : "";
            if (keyword.equals("SIZE")) {
                notes.add(argument.isEmpty() || argument.equals("0") ? texts.get("ehlo.SIZE.none")
                        : texts.get("ehlo.SIZE", "SIZE " + argument, megabytes(argument)));
            } else if (keyword.equals("AUTH")) {
                notes.add(texts.get("ehlo.AUTH", "AUTH " + argument, argument.replace(" ", ", ")));
            } else if (texts.has("ehlo." + keyword)) {
                notes.add(texts.get("ehlo." + keyword, keyword));
            }
        }
        return notes;
    }

    private static String megabytes(String bytes) {
        try {
            return String.format(Locale.ROOT, "%.1f MB", Long.parseLong(bytes) / 1024.0 / 1024.0);
        } catch (NumberFormatException e) {
            return bytes + " bytes";
        }
    }
}
