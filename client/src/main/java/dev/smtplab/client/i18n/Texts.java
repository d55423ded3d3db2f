package dev.smtplab.client.i18n;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The texts a person reads, in one language, from {@code Texts.properties} (English) and
 * {@code Texts_ja.properties} (UTF-8). Placeholders are {0}, {1}, ...: replaced as they are, so
 * an apostrophe needs no escaping (MessageFormat's quoting rules are a trap for translators).
 */
public final class Texts {
    static final String BUNDLE = "dev.smtplab.client.i18n.Texts";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)}");

    private final Language language;
    private ResourceBundle bundle;

    private Texts(Language language) {
        this.language = language;
    }

    /**
     * The bundle, read on first use: reading it costs about 15 ms, which a send that succeeds in
     * English never needs to spend.
     */
    private synchronized ResourceBundle bundle() {
        if (bundle == null) {
            bundle = bundle(language);
        }
        return bundle;
    }

    public static Texts of(Language language) {
        return new Texts(language);
    }

    static ResourceBundle bundle(Language language) {
        // No fallback to the JVM's default locale: English is the base bundle, Japanese its child.
        return ResourceBundle.getBundle(BUNDLE, language.locale(),
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    public Language language() {
        return language;
    }

    /** The text for the key with its placeholders filled in. */
    public String get(String key, Object... arguments) {
        String text;
        try {
            text = bundle().getString(key);
        } catch (MissingResourceException e) {
            throw new IllegalStateException("no text for " + key + " in " + language.code(), e);
        }
        if (arguments.length == 0) {
            return text;
        }
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            int index = Integer.parseInt(matcher.group(1));
            String value = index < arguments.length ? String.valueOf(arguments[index]) : matcher.group();
            matcher.appendReplacement(filled, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(filled);
        return filled.toString();
    }

    public boolean has(String key) {
        return bundle().containsKey(key);
    }

    /** The texts whose key starts with the prefix and goes on with 1, 2, 3 ... (hints, for one). */
    public List<String> numbered(String prefix) {
        List<String> texts = new ArrayList<>();
        for (int i = 1; has(prefix + i); i++) {
            texts.add(get(prefix + i));
        }
        return Collections.unmodifiableList(texts);
    }

    /** The placeholders a text uses, for the test that both languages use the same ones. */
    static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }
}
