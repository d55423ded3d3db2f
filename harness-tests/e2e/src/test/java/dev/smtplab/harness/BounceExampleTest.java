package dev.smtplab.harness;

import dev.smtplab.server.record.RecordedMessage;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;

/**
 * The README's bounce example, as it is written there (ReadmeHarnessTest checks that): a newsletter
 * accepted now and bounced later, and the application's bounce handler, reading the report with
 * Jakarta Mail's own DSN support (Angus), marks the address.
 */
class BounceExampleTest {
    // README example: begin
    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.withServer(server -> server.scenario(
            dev.smtplab.server.scenario.Scenario.builder().preset("bounce-later:addresses=bob@*;after=1s").build()));

    @Test
    void a_bounce_that_comes_later_marks_the_address() throws Exception {
        send("news@example.test", "bob@example.test");            // 250: accepted now
        RecordedMessage bounce = smtp.awaitBounce("news@example.test", Duration.ofSeconds(10));
        assertThat(bounce).isDeliveryReport()
                .hasRecipient("bob@example.test", "failed", "5.1.1")
                .hasDiagnosticCodeContaining("bob@example.test", "User unknown")
                .returnsTheWholeMessage();

        BounceHandler handler = new BounceHandler();
        handler.handle(new ByteArrayInputStream(bounce.data()));   // your code, given the report
        org.assertj.core.api.Assertions.assertThat(handler.undeliverable).containsExactly("bob@example.test");
    }
    // README example: end

    /** Stands for the code under test: what a mailing list does with a bounce. */
    static final class BounceHandler {
        final Set<String> undeliverable = new HashSet<>();

        void handle(InputStream report) throws Exception {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), report);
            if (message.getContent() instanceof MultipartReport multipart
                    && multipart.getReport() instanceof DeliveryStatus status) {
                for (int i = 0; i < status.getRecipientDSNCount(); i++) {
                    InternetHeaders recipient = status.getRecipientDSN(i);
                    if ("failed".equalsIgnoreCase(recipient.getHeader("Action", null))) {
                        undeliverable.add(recipient.getHeader("Final-Recipient", null).replaceFirst("(?i)^rfc822;\\s*", ""));
                    }
                }
            }
        }
    }

    static void send(String from, String to) throws MessagingException {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", smtp.host());
        properties.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject("This week's news");
        message.setText("Hello");
        Transport.send(message);
    }
}
