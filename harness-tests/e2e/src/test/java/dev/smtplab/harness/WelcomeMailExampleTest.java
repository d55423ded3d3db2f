package dev.smtplab.harness;

import dev.smtplab.server.record.RecordedMessage;
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
import java.util.Properties;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The README's "Testing your mail code" example, as it is written there (ReadmeHarnessTest checks that). */
class WelcomeMailExampleTest {

    // README example: begin
    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create();   // a fresh server on a free port for each test

    @Test
    void welcome_mail_goes_to_the_new_user() throws Exception {
        sendWelcomeMail("127.0.0.1", smtp.port(), "bob@example.test");   // your code under test

        RecordedMessage message = smtp.takeMessage(Duration.ofSeconds(5));  // waits; never sleep
        assertThat(message)
                .hasSender("noreply@shop.test")
                .hasRecipients("bob@example.test")
                .hasSubject("Welcome, bob!")
                .hasTextBodyContaining("Thanks for signing up");
    }

    @Test
    void a_greylisted_recipient_makes_the_mailer_fail_the_first_time() throws Exception {
        smtp.failNext(SmtpStage.RCPT, "451 4.7.1 Greylisted, try again later");   // once, then accept

        assertThatThrownBy(() -> sendWelcomeMail("127.0.0.1", smtp.port(), "bob@example.test"))
                .hasStackTraceContaining("451 4.7.1");
        sendWelcomeMail("127.0.0.1", smtp.port(), "bob@example.test");          // the retry goes through
        assertThat(smtp.takeMessage(Duration.ofSeconds(5))).hasRecipients("bob@example.test");
    }
    // README example: end

    /** Stands for the code under test: what an application's mailer does. */
    static void sendWelcomeMail(String host, int port, String to) throws MessagingException {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", host);
        properties.setProperty("mail.smtp.port", Integer.toString(port));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress("noreply@shop.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject("Welcome, " + to.substring(0, to.indexOf('@')) + "!");
        message.setText("Thanks for signing up.\n");
        Transport.send(message);
    }
}
