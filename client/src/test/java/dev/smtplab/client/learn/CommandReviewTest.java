package dev.smtplab.client.learn;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.Reply;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each mistake a learner makes is named before the line goes out; a correct line passes. */
class CommandReviewTest {
    private final CommandReview review = new CommandReview(Texts.of(Language.ENGLISH));
    private final CommandReview japanese = new CommandReview(Texts.of(Language.JAPANESE));
    private final Dialogue dialogue = new Dialogue();

    private void reply(String line, int code) {
        dialogue.replied(line, new Reply(code, List.of("ok")));
    }

    @Test
    void before_the_greeting_only_a_greeting_with_a_name_passes() {
        assertThat(review.command("EHLO client.example.test", dialogue)).isEmpty();
        assertThat(review.command("EHLO", dialogue)).get().asString().contains("EHLO client.example.test");
        assertThat(review.command("EHOL x", dialogue)).get().asString().contains("Did you mean EHLO?");
        assertThat(review.command("MIAL FROM:<a@b.test>", dialogue)).get().asString().contains("MAIL");
        assertThat(review.command("FOO", dialogue)).get().asString().contains("is not an SMTP command");
        assertThat(review.command("MAIL FROM:<a@b.test>", dialogue)).get().asString().contains("EHLO");
        assertThat(review.command("   ", dialogue)).get().asString().contains("500");
    }

    @Test
    void full_width_characters_from_an_input_method_are_named() {
        assertThat(review.command("ＥＨＬＯ x", dialogue)).get().asString().contains("\"Ｅ\"");
        assertThat(japanese.command("MAIL FROM：<a@b.test>", dialogue)).get().asString().contains("\"：\"")
                .contains("全角");
    }

    @Test
    void the_envelope_in_order_and_in_its_syntax() {
        reply("EHLO x", 250);
        assertThat(review.command("RCPT TO:<b@b.test>", dialogue)).get().asString().contains("MAIL FROM comes before");
        assertThat(review.command("DATA", dialogue)).get().asString().contains("503");
        assertThat(review.command("MAIL FROM a@b.test", dialogue)).get().asString().contains("MAIL FROM:<address>");
        assertThat(review.command("MAIL FROM:a@b.test", dialogue)).get().asString().contains("MAIL FROM:<a@b.test>");
        assertThat(review.command("From: a@b.test", dialogue)).get().asString().contains("is a header");
        assertThat(review.command("mail from:<a@b.test>", dialogue)).isEmpty();
        assertThat(review.command("MAIL FROM:<>", dialogue)).isEmpty();
        reply("MAIL FROM:<a@b.test>", 250);
        assertThat(review.command("MAIL FROM:<c@b.test>", dialogue)).get().asString().contains("RSET");
        assertThat(review.command("RCPT TO:b@b.test", dialogue)).get().asString().contains("RCPT TO:<b@b.test>");
        assertThat(review.command("RCPT TO:<b@b.test>", dialogue)).isEmpty();
        reply("RCPT TO:<b@b.test>", 250);
        assertThat(review.command("DATA now", dialogue)).get().asString().contains("nothing after it");
        assertThat(review.command("DATA", dialogue)).isEmpty();
        reply("RSET", 250);
        assertThat(review.command("RCPT TO:<b@b.test>", dialogue)).isPresent();
    }

    @Test
    void auth_waits_for_tls_and_a_leading_dot_in_content_is_caught() {
        reply("EHLO x", 250);
        assertThat(review.command("AUTH PLAIN AGxlYXJuZXIAbGV0LW1lLWlu", dialogue)).get().asString().contains("/starttls");
        reply("STARTTLS", 220);
        assertThat(review.command("AUTH PLAIN AGxlYXJuZXIAbGV0LW1lLWlu", dialogue)).isEmpty();
        assertThat(review.content(".hidden")).get().asString().contains("\".hidden\" would be stored as \"hidden\"");
        assertThat(review.content("..hidden")).isEmpty();
        assertThat(review.content(".")).isEmpty();
        assertThat(review.content("plain")).isEmpty();
    }

    @Test
    void typing_mistakes_are_counted_as_a_person_makes_them() {
        assertThat(CommandReview.distance("EHOL", "EHLO")).isEqualTo(1);
        assertThat(CommandReview.distance("RCTP", "RCPT")).isEqualTo(1);
        assertThat(CommandReview.distance("QUTI", "QUIT")).isEqualTo(1);
        assertThat(CommandReview.nearest("HELLO")).hasValue("HELO");
        assertThat(CommandReview.nearest("XYZZY")).isEmpty();
    }
}
