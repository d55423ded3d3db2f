package dev.smtplab.client.i18n;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The environment's word for UTF-8 is read as POSIX reads it: LC_ALL, then LC_CTYPE, then LANG. */
class Utf8OutputTest {
    @Test
    void utf8_is_declared_by_the_first_variable_set() {
        assertThat(Utf8Output.declared(Map.of("LANG", "ja_JP.UTF-8"))).isTrue();
        assertThat(Utf8Output.declared(Map.of("LANG", "ja_JP.utf8"))).isTrue();
        assertThat(Utf8Output.declared(Map.of("LC_ALL", "de_DE.UTF-8@euro"))).isTrue();
        assertThat(Utf8Output.declared(Map.of("LC_ALL", "C", "LANG", "ja_JP.UTF-8"))).as("LC_ALL wins").isFalse();
        assertThat(Utf8Output.declared(Map.of("LC_CTYPE", "ja_JP.eucJP", "LANG", "en_US.UTF-8"))).isFalse();
        assertThat(Utf8Output.declared(Map.of("LANG", "ja_JP"))).isFalse();
        assertThat(Utf8Output.declared(Map.of())).isFalse();
    }
}
