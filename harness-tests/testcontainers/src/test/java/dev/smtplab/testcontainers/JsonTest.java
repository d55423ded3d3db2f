package dev.smtplab.testcontainers;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void reads_what_the_api_writes() {
        Object value = Json.parse(" {\"id\":\"7\",\"to\":[\"a@x.test\",\"b@x.test\"],\"size\":28,\"ratio\":1.5e2,"
                + "\"subject\":\"caf\\u00e9 \\\"quoted\\\"\\n\",\"tls\":true,\"auth\":null,\"empty\":{},\"none\":[]} ");
        assertThat(value).isEqualTo(new java.util.LinkedHashMap<>(Map.of("id", "7", "to", List.of("a@x.test", "b@x.test"),
                "size", 28L, "ratio", 150.0, "subject", "café \"quoted\"\n", "tls", true, "empty", Map.of(),
                "none", List.of())) {{
                    put("auth", null);
                }});
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"a":1                | '}' expected at character 6
            {"a" 1}               | ':' expected at character 5
            [1,2                  | ']' expected at character 4
            "open                 | a string is not closed at character 5
            {"a":"\\q"}           | unknown escape \\q at character 8
            {"a":tru}             | unexpected text at character 5
            {} x                  | text after the JSON value at character 3
            ``                    | a value is missing at character 0
            """)
    void bad_json_names_the_problem_and_where(String text, String problem) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not the JSON SMTP Lab writes: " + problem);
    }

    @Test
    void quoting_round_trips() {
        String text = "a\"b\\c\nd\te\u0001";
        assertThat(Json.parse(SmtpLabApi.quote(text))).isEqualTo(text);
    }
}
