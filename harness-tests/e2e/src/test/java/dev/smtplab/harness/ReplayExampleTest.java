package dev.smtplab.harness;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The README's replay example, as it is written there (ReadmeHarnessTest checks that): a test
 * against the recording of a real Postfix that this repository keeps, and a personality switched
 * in a test.
 */
class ReplayExampleTest {
    // README example: begin
    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.replaying(Path.of("src/test/resources/recordings/postfix.yaml"));

    @Test
    void the_recorded_postfix_refuses_the_recorded_recipient_in_its_own_words() throws Exception {
        assertThatThrownBy(() -> send("alice@example.org", "nobody@example.test"))
                .isInstanceOf(SendFailedException.class)
                .hasStackTraceContaining("550 5.1.1 <nobody@example.test>: Recipient address rejected: "
                        + "User unknown in local recipient table");
        send("alice@example.org", "root@example.test");
        assertThat(smtp.takeMessage(Duration.ofSeconds(5))).hasRecipients("root@example.test");
        assertThat(smtp.sessions().get(0).transcript().get(0).text())
                .isEqualTo("220 postfix.example.test ESMTP Postfix (Debian/GNU)");
    }
    // README example: end

    @Test
    void a_personality_switched_in_a_test_words_the_next_session() throws Exception {
        smtp.personality("microsoft365");
        send("alice@example.org", "root@example.test");
        assertThat(smtp.takeMessage(Duration.ofSeconds(5))).hasRecipients("root@example.test");
        assertThat(smtp.sessions().get(0).transcript()).anySatisfy(line ->
                org.assertj.core.api.Assertions.assertThat(line.text()).isEqualTo("250 2.1.5 Recipient OK"));
        smtp.personality(null);
    }

    /** Stands for the code under test. */
    static void send(String from, String to) throws MessagingException {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", smtp.host());
        properties.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject("Hello");
        message.setText("Hello");
        Transport.send(message);
    }
}
