package dev.smtplab.harness;

import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.Effect;
import dev.smtplab.server.scenario.SmtpReply;
import dev.smtplab.server.scenario.SmtpStage;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The README's responder example, as it is written there (ReadmeHarnessTest checks that). */
class ResponderExampleTest {
    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create();

    // README example: begin
    @Test
    void the_third_recipient_of_a_tenant_is_refused() throws Exception {
        smtp.responder(context -> context.stage() == SmtpStage.RCPT
                && context.senderAddress().orElse("").endsWith("@tenant.test")
                && context.earlierRecipients().size() == 2
                ? Optional.of(new Effect.Reply(SmtpReply.parse("452 4.5.3 Too many recipients")))
                : Optional.empty());   // empty: the rules and the normal server answer

        assertThatThrownBy(() -> sendNewsletter("news@tenant.test", "a@x.test", "b@x.test", "c@x.test"))
                .hasStackTraceContaining("452 4.5.3");                    // partial sends are off: nothing went
        sendNewsletter("news@other.test", "a@x.test", "b@x.test", "c@x.test");   // another tenant: all three
        RecordedMessage message = smtp.takeMessage(Duration.ofSeconds(5));
        assertThat(message).hasRecipients("a@x.test", "b@x.test", "c@x.test");
    }
    // README example: end

    @Test
    void a_responder_that_throws_is_a_451_the_test_can_see() throws Exception {
        smtp.responder(context -> {
            throw new IllegalStateException("bug in the test");
        });
        assertThatThrownBy(() -> sendNewsletter("news@tenant.test", "a@x.test"))
                .hasStackTraceContaining("451 4.3.0 Error in the test's responder: IllegalStateException");
        smtp.reset();
        sendNewsletter("news@tenant.test", "a@x.test");
        assertThat(smtp.takeMessage(Duration.ofSeconds(5))).hasRecipients("a@x.test");
    }

    /** Stands for the code under test: a mailer that sends one message to several recipients. */
    static void sendNewsletter(String from, String... to) throws MessagingException {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", "127.0.0.1");
        properties.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress(from));
        for (String recipient : to) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        }
        message.setSubject("News");
        message.setText("This month's news.\n");
        Transport.send(message);
    }
}
