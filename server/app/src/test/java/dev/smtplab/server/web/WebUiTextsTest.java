package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.scenario.Presets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The web UI's labels exist in English and Japanese, with the same placeholders, for every key the page uses. */
class WebUiTextsTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\d+}");

    private static String resource(String name) throws IOException {
        try (InputStream in = WebUiTextsTest.class.getResourceAsStream("/web/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Set<String> keys(JsonNode language) {
        Set<String> keys = new TreeSet<>();
        language.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }

    @Test
    void both_languages_have_every_key_with_the_same_placeholders() throws Exception {
        JsonNode texts = new ObjectMapper().readTree(resource("i18n.json"));
        JsonNode english = texts.get("en");
        JsonNode japanese = texts.get("ja");
        Set<String> japaneseKeys = keys(japanese);
        // A preset's English description is the server's own; only other languages need one here.
        japaneseKeys.removeIf(key -> key.startsWith("preset."));
        assertThat(japaneseKeys).isEqualTo(keys(english));
        for (Iterator<String> names = english.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            assertThat(placeholders(japanese.get(key).asText())).as(key)
                    .isEqualTo(placeholders(english.get(key).asText()));
            assertThat(japanese.get(key).asText()).as(key).isNotBlank();
        }
    }

    @Test
    void every_preset_and_every_session_outcome_has_its_label() throws Exception {
        JsonNode texts = new ObjectMapper().readTree(resource("i18n.json"));
        Set<String> presets = new TreeSet<>();
        keys(texts.get("ja")).stream().filter(key -> key.startsWith("preset."))
                .forEach(key -> presets.add(key.substring("preset.".length())));
        assertThat(presets).isEqualTo(new TreeSet<>(Presets.DESCRIPTIONS.keySet()));
        for (SessionOutcome outcome : SessionOutcome.values()) {
            assertThat(texts.get("en").has("outcome." + outcome.name())).as(outcome.name()).isTrue();
        }
    }

    @Test
    void every_key_the_page_and_its_script_use_has_a_text() throws Exception {
        Set<String> known = keys(new ObjectMapper().readTree(resource("i18n.json")).get("en"));
        Set<String> used = new TreeSet<>();
        Matcher html = Pattern.compile("data-i18n(?:-[a-z-]+)?=\"([^\"]+)\"").matcher(resource("index.html"));
        while (html.find()) {
            used.add(html.group(1));
        }
        Matcher script = Pattern.compile("\\bt\\(\"([^\"]+)\"").matcher(resource("app.js"));
        while (script.find()) {
            used.add(script.group(1));
        }
        // t("outcome." + s.outcome): a key per session outcome (each checked above), some also in the page.
        assertThat(used.remove("outcome.")).isTrue();
        known.removeIf(key -> key.startsWith("outcome.") && !used.contains(key));
        assertThat(used).hasSizeGreaterThan(60);
        assertThat(known).containsAll(used);
        assertThat(used).as("keys nothing uses").containsAll(known);
    }
}
