package dev.smtplab.client.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplyTest {

    @Test
    void enhanced_code_is_read_from_the_first_line() {
        assertThat(Reply.of(550, "5.1.1 <bob@example.test>: Recipient address rejected").enhancedCode()).contains("5.1.1");
        assertThat(Reply.of(250, "Ok").enhancedCode()).isEmpty();
        assertThat(Reply.of(250, "2.0.0 Ok: queued as 17").enhancedCode()).contains("2.0.0");
    }

    @Test
    void classes_follow_the_first_digit() {
        assertThat(Reply.of(250, "Ok").isPositive()).isTrue();
        assertThat(Reply.of(354, "go ahead").isIntermediate()).isTrue();
        assertThat(Reply.of(451, "4.7.1 try later").isTemporaryFailure()).isTrue();
        assertThat(Reply.of(554, "no").isPermanentFailure()).isTrue();
    }

    @Test
    void wire_text_rebuilds_a_multi_line_reply() {
        Reply reply = new Reply(250, List.of("mail.example.test", "PIPELINING", "Ok"));
        assertThat(reply.wireText()).isEqualTo("250-mail.example.test\r\n250-PIPELINING\r\n250 Ok");
        assertThat(reply.text()).isEqualTo("mail.example.test PIPELINING Ok");
    }

    @Test
    void impossible_codes_are_refused() {
        assertThatThrownBy(() -> Reply.of(99, "x")).hasMessage("a reply code is 100 to 599, got 99");
        assertThatThrownBy(() -> new Reply(250, List.of())).hasMessage("a reply has at least one line");
    }
}
