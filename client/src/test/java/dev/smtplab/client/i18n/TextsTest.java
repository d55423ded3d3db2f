package dev.smtplab.client.i18n;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both languages have every text, with the same placeholders; the language is chosen as a terminal user expects. */
class TextsTest {
    private static Properties load(String name) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = TextsTest.class.getResourceAsStream("/dev/smtplab/client/i18n/" + name)) {
            assertThat(in).as(name).isNotNull();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return properties;
    }

    @Test
    void every_key_is_in_both_languages_with_the_same_placeholders_and_no_empty_text() throws IOException {
        Properties english = load("Texts.properties");
        Properties japanese = load("Texts_ja.properties");
        assertThat(new TreeSet<>(japanese.stringPropertyNames())).as("keys in Japanese")
                .containsExactlyElementsOf(new TreeSet<>(english.stringPropertyNames()));
        for (String key : english.stringPropertyNames()) {
            assertThat(Texts.placeholders(japanese.getProperty(key))).as("placeholders of " + key)
                    .isEqualTo(Texts.placeholders(english.getProperty(key)));
            assertThat(english.getProperty(key)).as(key).isNotBlank();
            assertThat(japanese.getProperty(key)).as(key).isNotBlank();
        }
        assertThat(english.size()).isGreaterThan(200);
    }

    @Test
    void japanese_texts_are_japanese_and_keep_smtp_words_as_on_the_wire() throws IOException {
        Properties japanese = load("Texts_ja.properties");
        long withKana = japanese.stringPropertyNames().stream()
                .filter(key -> japanese.getProperty(key).codePoints().anyMatch(c -> c >= 0x3040 && c <= 0x30ff)).count();
        assertThat(withKana).as("texts written in Japanese").isGreaterThan(japanese.size() * 9L / 10);
        // MAIL FROM is the envelope sender, never "the mail's sender address".
        assertThat(japanese.getProperty("lesson.envelope.mail.done")).contains("エンベロープの送信者");
        assertThat(japanese.values()).noneMatch(text -> text.toString().contains("メール送信元"));
        assertThat(japanese.getProperty("review.mail.syntax")).contains("MAIL FROM:<");
    }

    @Test
    void placeholders_are_filled_and_an_apostrophe_needs_no_escaping() {
        Texts english = Texts.of(Language.ENGLISH);
        assertThat(english.get("session.save.done", "a.txt", 3)).isEqualTo("transcript saved to a.txt (3 lines)");
        assertThat(english.get("session.end.idle421")).contains("server's idle timeout");
        assertThat(Texts.of(Language.JAPANESE).get("session.save.done", "a.txt", 3)).contains("a.txt").contains("3 行");
        assertThatThrownBy(() -> english.get("no.such.key")).hasMessageContaining("no.such.key");
    }

    @Test
    void the_language_comes_from_the_flag_then_smtplab_lang_then_the_locale_variables() {
        assertThat(Language.choose("ja", Map.of("SMTPLAB_LANG", "en"))).isEqualTo(Language.JAPANESE);
        assertThat(Language.choose(null, Map.of("SMTPLAB_LANG", "ja", "LANG", "en_US.UTF-8"))).isEqualTo(Language.JAPANESE);
        assertThat(Language.choose(null, Map.of("LANG", "ja_JP.UTF-8"))).isEqualTo(Language.JAPANESE);
        assertThat(Language.choose(null, Map.of("LC_ALL", "C", "LANG", "ja_JP.UTF-8"))).isEqualTo(Language.ENGLISH);
        assertThat(Language.choose(null, Map.of("LC_MESSAGES", "ja_JP.eucJP", "LANG", "en_GB"))).isEqualTo(Language.JAPANESE);
        assertThat(Language.choose(null, Map.of("LANG", "fr_FR.UTF-8"))).isEqualTo(Language.ENGLISH);
        assertThatThrownBy(() -> Language.choose("fr", Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fr'").hasMessageContaining("en (English) or ja (Japanese)");
        assertThatThrownBy(() -> Language.choose(null, Map.of("SMTPLAB_LANG", "klingon")))
                .hasMessageContaining("'klingon'");
    }
}
