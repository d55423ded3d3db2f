package dev.smtplab.client.explain;

import dev.smtplab.client.protocol.Reply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyExplainerTest {

    @Test
    void explains_code_enhanced_code_and_the_text() {
        Explanation explanation = ReplyExplainer.explain(
                Reply.of(451, "4.7.1 <bob@example.test>: Recipient address rejected: Greylisted, please try again later"));
        assertThat(explanation.summary()).isEqualTo("temporary failure: the same command may work later");
        assertThat(explanation.details()).containsExactly(
                "451: the server hit a local error or a temporary policy (such as greylisting); try again later",
                "4.7.1: temporary, delivery not authorised: refused by policy (relaying, blocklists, rules)",
                "the text says: greylisting: the server refuses the first attempt from an unknown client, sender and recipient");
        assertThat(explanation.hint()).isEqualTo("retry after a few minutes; a real mail server does this by itself");
    }

    @Test
    void knows_the_common_real_world_failures() {
        assertThat(ReplyExplainer.hint(Reply.of(554, "5.7.1 <x@y.test>: Relay access denied")))
                .startsWith("send to a domain this server handles");
        assertThat(ReplyExplainer.hint(Reply.of(550, "5.1.1 <x@y.test>: User unknown in virtual mailbox table")))
                .isEqualTo("check the address for typos");
        assertThat(ReplyExplainer.hint(Reply.of(530, "5.7.0 Authentication required")))
                .startsWith("give --auth-user");
        assertThat(ReplyExplainer.hint(Reply.of(552, "5.2.2 Mailbox full"))).startsWith("the recipient has to make room");
        assertThat(ReplyExplainer.hint(Reply.of(554, "5.7.1 Service unavailable; client host blocked using zen.spamhaus.org")))
                .startsWith("check whether your address is listed");
        assertThat(ReplyExplainer.hint(Reply.of(530, "5.7.0 Must issue a STARTTLS command first")))
                .isEqualTo("use --starttls, or --tls on port 465");
    }

    @Test
    void unknown_detail_falls_back_to_the_subject() {
        assertThat(ReplyExplainer.enhancedMeaning("5.1.99")).isEqualTo("permanent, something is wrong with an address");
        assertThat(ReplyExplainer.explain(Reply.of(250, "Ok")).hint()).isEmpty();
    }
}
