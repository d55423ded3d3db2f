package dev.smtplab.client.send;

import dev.smtplab.client.protocol.Extensions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MailParametersTest {

    @ParameterizedTest(name = "[{index}] offered {0}; body {1}; to {2} -> \"{3}\"")
    @CsvSource(delimiter = '|', textBlock = """
            SIZE 1000,8BITMIME,SMTPUTF8 | plain  | bob@example.test  | ' SIZE=5'
            SIZE 1000,8BITMIME,SMTPUTF8 | café   | bob@example.test  | ' SIZE=5 BODY=8BITMIME'
            SIZE 1000,8BITMIME,SMTPUTF8 | plain  | ボブ@example.test | ' SIZE=5 SMTPUTF8'
            8BITMIME                    | café   | ボブ@example.test | ' BODY=8BITMIME'
            PIPELINING                  | café   | ボブ@example.test | ''
            SIZE                        | plain  | bob@example.test  | ' SIZE=5'
            """)
    void parameters_follow_the_message_and_the_offered_extensions(String offered, String body, String recipient,
                                                                  String expected) {
        Extensions extensions = new Extensions(List.of(offered.split(",")));
        byte[] message = body.getBytes(StandardCharsets.UTF_8);
        assertThat(MailParameters.of(message, "alice@example.test", List.of(recipient), extensions)).isEqualTo(expected);
    }
}
