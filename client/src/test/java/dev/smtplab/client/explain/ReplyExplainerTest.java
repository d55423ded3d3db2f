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

    /** Every RFC 3463 subject.detail the table knows, in each class a server may use it in. */
    static java.util.stream.Stream<String> everyKnownCodeInEveryClass() {
        return ReplyExplainer.knownEnhancedCodes().stream()
                .flatMap(code -> java.util.stream.Stream.of("2", "4", "5").map(klass -> klass + code.substring(1)));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("everyKnownCodeInEveryClass")
    void every_rfc_3463_code_reads_right_for_its_class(String code) {
        String meaning = ReplyExplainer.enhancedMeaning(code);
        assertThat(meaning).doesNotContain("not a code this tool knows");
        switch (code.charAt(0)) {
            case '2' -> assertThat(meaning).startsWith("success, ")
                    .doesNotContain("wrong", "does not exist", "malformed", "failed", "refused", "invalid", "problem",
                            "not valid", "not authorised");
            case '4' -> assertThat(meaning).startsWith("temporary, ");
            default -> assertThat(meaning).startsWith("permanent, ");
        }
    }

    @Test
    void the_success_codes_servers_use_have_their_own_meanings() {
        assertThat(ReplyExplainer.enhancedMeaning("2.1.0")).isEqualTo("success, the address is fine (for MAIL FROM: the "
                + "sender, or \"originator\", is accepted)");
        assertThat(ReplyExplainer.enhancedMeaning("2.1.5")).isEqualTo(
                "success, the recipient address is valid: the server will take mail for it");
        assertThat(ReplyExplainer.enhancedMeaning("2.0.0")).isEqualTo("success, done, nothing more to say");
        assertThat(ReplyExplainer.enhancedMeaning("2.6.0")).isEqualTo("success, the message content is accepted");
        assertThat(ReplyExplainer.enhancedMeaning("2.7.0")).isEqualTo("success, the security step succeeded (such as a login)");
    }

    @Test
    void postfix_accepting_mail_and_rcpt_is_explained_as_success_for_that_command() {
        Explanation mail = ReplyExplainer.explain(Reply.of(250, "2.1.0 Ok"), "MAIL FROM:<alice@example.org>");
        assertThat(mail.summary()).isEqualTo("success: the server accepts this envelope sender");
        assertThat(mail.details()).contains("2.1.0: success, the address is fine (for MAIL FROM: the sender, or "
                + "\"originator\", is accepted)");
        Explanation rcpt = ReplyExplainer.explain(Reply.of(250, "2.1.5 Ok"), "RCPT TO:<root@example.test>");
        assertThat(rcpt.summary()).isEqualTo("success: the server accepts this recipient");
        assertThat(rcpt.text()).doesNotContain("wrong");
    }

    @Test
    void replies_are_explained_in_the_context_of_the_command_they_answer() {
        assertThat(ReplyExplainer.explain(Reply.of(504, "5.5.2 <alice>: Sender address rejected: need fully-qualified "
                + "address"), "MAIL FROM:<alice>").hint()).isEqualTo("write the address in full, such as <alice@example.com>");
        Explanation noRecipients = ReplyExplainer.explain(Reply.of(554, "5.5.1 Error: no valid recipients"), "DATA");
        assertThat(noRecipients.details()).contains(
                "the text says: every RCPT TO was refused, so there is no one to send the message to",
                "a 554 to DATA usually means every RCPT TO was refused: there is no one to send to");
        assertThat(noRecipients.hint()).isEqualTo("look at the replies to RCPT TO and fix the recipients before DATA");
        Explanation idle = ReplyExplainer.explain(Reply.of(421, "4.4.2 localhost Error: timeout exceeded"), null);
        assertThat(idle.details()).anyMatch(detail -> detail.contains("idle timeout"));
        assertThat(idle.hint()).isEqualTo("connect again, and type the next command within the server's timeout");
    }

    @Test
    void an_ehlo_reply_explains_each_extension() {
        Explanation ehlo = ReplyExplainer.explain(new Reply(250, java.util.List.of("mail.example.test", "SIZE 10240000",
                "STARTTLS", "AUTH PLAIN LOGIN", "8BITMIME", "PIPELINING", "CHUNKING", "SMTPUTF8", "DSN",
                "ENHANCEDSTATUSCODES")), "EHLO me.test");
        assertThat(ehlo.summary()).isEqualTo("success: the server greets you back");
        assertThat(String.join("\n", ehlo.details())).contains("SIZE 10240000: messages up to 9.8 MB are accepted",
                "STARTTLS: the connection can switch to TLS", "AUTH PLAIN LOGIN: clients can log in with PLAIN, LOGIN",
                "8BITMIME", "PIPELINING", "CHUNKING", "SMTPUTF8", "DSN", "ENHANCEDSTATUSCODES");
    }

    @Test
    void queued_as_says_who_is_responsible_now_and_what_the_id_is() {
        Explanation queued = ReplyExplainer.explain(Reply.of(250, "2.0.0 Ok: queued as 4"), ".");
        assertThat(queued.summary()).isEqualTo("success: the server accepted the message");
        assertThat(String.join("\n", queued.details())).contains("the server has taken responsibility for the message")
                .contains("4 is its queue id").contains("/api/v1/messages/4");
    }

    @Test
    void in_a_session_hints_name_the_session_helpers_not_send_flags() {
        Reply authRequired = Reply.of(530, "5.7.0 Authentication required");
        assertThat(ReplyExplainer.explainInSession(authRequired, "MAIL FROM:<a@example.test>").hint())
                .isEqualTo("type /starttls, then /auth plain USER");
        assertThat(ReplyExplainer.explain(authRequired, "MAIL FROM:<a@example.test>").hint()).startsWith("give --auth-user");
        assertThat(ReplyExplainer.explainInSession(Reply.of(530, "5.7.0 Must issue a STARTTLS command first"), "MAIL")
                .hint()).startsWith("type /starttls");
    }
}
