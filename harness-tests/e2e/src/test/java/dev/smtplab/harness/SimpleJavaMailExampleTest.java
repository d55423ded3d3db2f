package dev.smtplab.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.simplejavamail.api.mailer.Mailer;
import org.simplejavamail.email.EmailBuilder;
import org.simplejavamail.mailer.MailerBuilder;

import java.time.Duration;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;

/** The README's Simple Java Mail section, run as written. */
class SimpleJavaMailExampleTest {
    // README example: begin
    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create();

    @Test
    void simple_java_mail_sends_html_with_a_plain_text_part() throws Exception {
        Mailer mailer = MailerBuilder.withSMTPServer(smtp.host(), smtp.port()).buildMailer();
        mailer.sendMail(EmailBuilder.startingBlank()
                .from("noreply@shop.test").to("bob@example.test").bcc("audit@shop.test")
                .withSubject("Welcome")
                .withPlainText("Thanks for signing up")
                .withHTMLText("<p>Thanks for <b>signing up</b></p>")
                .buildEmail());

        assertThat(smtp.takeMessage(Duration.ofSeconds(5)))
                .hasEnvelopeRecipients("bob@example.test", "audit@shop.test")
                .hasHeaderRecipients("bob@example.test")
                .hasNoBccHeader()
                .hasHtmlBodyContaining("<b>signing up</b>");
    }
    // README example: end
}
