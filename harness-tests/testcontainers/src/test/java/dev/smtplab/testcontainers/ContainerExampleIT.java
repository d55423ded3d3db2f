package dev.smtplab.testcontainers;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's Testcontainers example, run as written (the README shows the part between the markers). */
class ContainerExampleIT {

    @BeforeAll
    static void engineAndImage() throws Exception {
        Podman.shared();
    }

    @AfterAll
    static void stopEngine() throws Exception {
        smtp.stop();
    }

    /** The code under test: a sign-up that mails a confirmation link. */
    static void signUp(String smtpHost, int smtpPort, String email) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", smtpHost);
        properties.setProperty("mail.smtp.port", Integer.toString(smtpPort));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress("noreply@shop.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(email));
        message.setSubject("Welcome");
        message.setText("Confirm your address: https://shop.test/confirm?token=q7Rz\n", "UTF-8");
        Transport.send(message);
    }

    // README example: begin
    static SmtpLabContainer smtp = new SmtpLabContainer("smtplab:latest");   // built from docker/Dockerfile

    @Test
    void the_confirmation_link_arrives() throws Exception {
        smtp.start();   // or @Testcontainers with @Container
        signUp(smtp.smtpHost(), smtp.smtpPort(), "bob@example.test");   // your code under test

        ReceivedMessage message = smtp.awaitMessage("bob@example.test", Duration.ofSeconds(10));
        assertThat(message.subject()).isEqualTo("Welcome");
        assertThat(smtp.api().links(message.id())).containsExactly("https://shop.test/confirm?token=q7Rz");
    }
    // README example: end
}
