package dev.smtplab.client.diagnose;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The findings' severity column lines up on a terminal in either language. */
class ReportTest {
    @Test
    void a_japanese_word_is_padded_by_the_columns_it_takes() {
        assertThat(Report.padded("エラー", 8)).isEqualTo("エラー  ");
        assertThat(Report.padded("重大", 8)).isEqualTo("重大    ");
        assertThat(Report.padded("INFO", 8)).isEqualTo("INFO    ");
        assertThat(Report.padded("CRITICAL", 8)).isEqualTo("CRITICAL");
    }
}
