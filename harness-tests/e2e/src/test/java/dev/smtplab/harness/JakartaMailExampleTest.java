package dev.smtplab.harness;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;

/** The README's Jakarta Mail section, run as written. */
class JakartaMailExampleTest {
    // README example: begin
    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create();

    @Test
    void jakarta_mail_sends_the_welcome_mail() throws Exception {
        Session session = Session.getInstance(smtp.jakartaMailProperties());   // host and port of this test's server
        MimeMessage message = new MimeMessage(session);
        message.setFrom("noreply@shop.test");
        message.setRecipients(Message.RecipientType.TO, "bob@example.test");
        message.setSubject("Welcome");
        message.setText("Thanks for signing up");
        Transport.send(message);

        assertThat(smtp.takeMessage(Duration.ofSeconds(5)))
                .hasSender("noreply@shop.test")
                .hasRecipients("bob@example.test")
                .hasTextBodyContaining("Thanks for signing up");
    }
    // README example: end
}
