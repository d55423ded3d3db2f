package dev.smtplab.client.i18n;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which language a person reads: --lang, else SMTPLAB_LANG, else the system's locale (the
 * LC_ALL, LC_MESSAGES and LANG variables, as a terminal sets them, then the JVM's default).
 * English unless one of them says Japanese.
 */
public enum Language {
    ENGLISH("en"),
    JAPANESE("ja");

    private final String code;

    Language(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public Locale locale() {
        return Locale.forLanguageTag(code);
    }

    /** A language named by --lang or SMTPLAB_LANG: en, ja, or a locale such as ja_JP.UTF-8. */
    public static Language parse(String name) {
        return of(name).orElseThrow(() -> new IllegalArgumentException("'" + name
                + "' is not a language SMTP Lab speaks: use en (English) or ja (Japanese)"));
    }

    private static Optional<Language> of(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String language = name.trim().toLowerCase(Locale.ROOT).split("[_.@-]", 2)[0];
        return switch (language) {
            case "en", "english", "c", "posix" -> Optional.of(ENGLISH);
            case "ja", "japanese", "jp" -> Optional.of(JAPANESE);
            default -> Optional.empty();
        };
    }

    /** The language for this process: the flag (may be null), then the environment, then the JVM. */
    public static Language choose(String flag, Map<String, String> environment) {
        if (flag != null) {
            return parse(flag);
        }
        String configured = environment.get("SMTPLAB_LANG");
        if (configured != null && !configured.isBlank()) {
            return parse(configured);
        }
        // POSIX order: LC_ALL overrides LC_MESSAGES, which overrides LANG; an unknown one means English.
        for (String variable : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                return of(value).orElse(ENGLISH);
            }
        }
        return Locale.getDefault().getLanguage().equals("ja") ? JAPANESE : ENGLISH;
    }

    public static Language fromEnvironment() {
        return choose(null, System.getenv());
    }
}
