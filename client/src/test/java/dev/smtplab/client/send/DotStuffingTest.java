package dev.smtplab.client.send;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DotStuffingTest {

    private static String encode(String message) {
        return new String(DotStuffing.encode(message.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void doubles_leading_dots_and_ends_with_the_lone_dot() {
        assertThat(encode("Subject: x\r\n\r\n.hidden\r\n..two\r\nmid.dle\r\n"))
                .isEqualTo("Subject: x\r\n\r\n..hidden\r\n...two\r\nmid.dle\r\n.\r\n");
    }

    @Test
    void turns_bare_lf_into_crlf_and_ends_an_unfinished_last_line() {
        assertThat(encode("a\nb")).isEqualTo("a\r\nb\r\n.\r\n");
        assertThat(encode(".\n")).isEqualTo("..\r\n.\r\n");
    }
}
