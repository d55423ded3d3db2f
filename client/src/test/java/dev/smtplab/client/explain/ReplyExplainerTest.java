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

    @Test
    void in_japanese_every_line_is_japanese_while_the_codes_and_commands_stay_as_on_the_wire() {
        ReplyExplainer japanese = ReplyExplainer.in(dev.smtplab.client.i18n.Texts.of(dev.smtplab.client.i18n.Language.JAPANESE));
        Explanation unknown = japanese.inSession(Reply.of(550,
                "5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual mailbox table"),
                "RCPT TO:<nobody@example.test>");
        assertThat(unknown.text()).isEqualTo(String.join("\n",
                "恒久的な失敗: 同じコマンドは何度送っても失敗します",
                "  550: メールボックスを利用できません。存在しないか、サーバーがポリシーにより拒否しています",
                "  5.1.1: 恒久的。メールボックスが存在しません。不明なユーザーです",
                "  応答の文面によると: このサーバーはその受信者を知りません",
                "  ヒント: アドレスに打ち間違いがないか確認してください"));

        Explanation authRequired = japanese.inSession(Reply.of(530, "5.7.0 Authentication required"), "MAIL FROM:<a@b.test>");
        assertThat(authRequired.hint()).isEqualTo("/starttls と入力してから、/auth plain USER と入力してください");

        Explanation ehlo = japanese.inSession(new Reply(250, java.util.List.of("mx.example.test", "SIZE 10240000",
                "STARTTLS", "AUTH PLAIN LOGIN")), "EHLO client.example.test");
        assertThat(ehlo.text()).contains("成功: サーバーがあいさつを返しました",
                "1 行目はサーバーの名前で", "SIZE 10240000: 9.8 MB までのメッセージを受け付けます",
                "AUTH PLAIN LOGIN: クライアントは PLAIN, LOGIN でログインできます").doesNotContain("hint");

        Explanation queued = japanese.inSession(Reply.of(250, "2.0.0 Ok: queued as 7"), ".");
        assertThat(queued.text()).contains("2.0.0: 成功。完了しました。補足はありません", "7 はキュー ID です",
                "/api/v1/messages/7");
    }

    @Test
    void every_enhanced_code_means_something_in_both_languages() {
        ReplyExplainer japanese = ReplyExplainer.in(dev.smtplab.client.i18n.Texts.of(dev.smtplab.client.i18n.Language.JAPANESE));
        for (String code : ReplyExplainer.knownEnhancedCodes()) {
            for (char kind : new char[] {'2', '4', '5'}) {
                Explanation explanation = japanese.inSession(Reply.of(kind == '2' ? 250 : kind == '4' ? 450 : 550,
                        code.replace('X', kind) + " text"), "RCPT TO:<a@b.test>");
                assertThat(explanation.details().get(1)).as(code).doesNotContain("このツールが知らないコード")
                        .matches(".*[\u3040-\u30ff\u4e00-\u9fff].*");
            }
        }
    }
}
