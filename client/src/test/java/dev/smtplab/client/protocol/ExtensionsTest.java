package dev.smtplab.client.protocol;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExtensionsTest {
    private static final Extensions POSTFIX_LIKE = new Extensions(List.of("PIPELINING", "SIZE 10240000",
            "starttls", "AUTH PLAIN login", "AUTH=PLAIN LOGIN", "ENHANCEDSTATUSCODES", "8BITMIME"));

    @ParameterizedTest(name = "{0}: offered {1}, arguments [{2}]")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            STARTTLS     | true  |
            SIZE         | true  | 10240000
            AUTH         | true  | PLAIN LOGIN
            auth         | true  | PLAIN LOGIN
            8BITMIME     | true  |
            SMTPUTF8     | false | -
            PIPE         | false | -
            ENHANCED     | false | -
            """)
    void keywords_are_matched_whole_and_in_any_case(String keyword, boolean offered, String arguments) {
        assertThat(POSTFIX_LIKE.offers(keyword)).isEqualTo(offered);
        if (offered) {
            assertThat(POSTFIX_LIKE.arguments(keyword)).get()
                    .isEqualTo(arguments == null || arguments.isBlank() ? List.of() : List.of(arguments.split(" ")));
        } else {
            assertThat(POSTFIX_LIKE.arguments(keyword)).isEmpty();
        }
    }

    @ParameterizedTest(name = "the old AUTH=... form: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            AUTH=LOGIN PLAIN | LOGIN PLAIN
            AUTH=CRAM-MD5    | CRAM-MD5
            """)
    void the_old_equals_form_counts(String line, String mechanisms) {
        assertThat(new Extensions(List.of(line)).arguments("AUTH")).get().isEqualTo(List.of(mechanisms.split(" ")));
    }
}
