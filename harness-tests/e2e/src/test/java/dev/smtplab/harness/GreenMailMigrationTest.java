package dev.smtplab.harness;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.smtplab.server.record.MessageParts;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.SmtpStage;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static dev.smtplab.harness.SmtpLabAssertions.assertThatThrownBy;

/**
 * The README's GreenMail migration table: each GreenMail call beside its SMTP Lab equivalent, both
 * run against their own server with the same mail. ReadmeSnippetsTest checks that every cell of the
 * table is code from this file.
 */
class GreenMailMigrationTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withPerMethodLifecycle(false);

    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create().perClass();

    private static void send(int port, String user, String password) throws MessagingException {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", "127.0.0.1");
        properties.setProperty("mail.smtp.port", Integer.toString(port));
        properties.setProperty("mail.smtp.auth", Boolean.toString(user != null));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom("noreply@shop.test");
        message.setRecipients(Message.RecipientType.TO, "bob@example.test");
        message.setSubject("Welcome");
        message.setText("Thanks for signing up");
        if (user == null) {
            Transport.send(message);
        } else {
            Transport.send(message, user, password);
        }
    }

    @Test
    void wait_read_and_purge() throws Exception {
        greenMail.purgeEmailFromAllMailboxes();
        smtp.clearMessages();
        send(greenMail.getSmtp().getPort(), null, null);
        send(smtp.port(), null, null);

        greenMail.waitForIncomingEmail(5000, 1);
        MimeMessage received = greenMail.getReceivedMessages()[0];
        List<RecordedMessage> arrived = smtp.awaitMessages(1, Duration.ofSeconds(5));
        RecordedMessage message = smtp.messages().get(0);

        assertThat(arrived).containsExactly(message);
        assertThat(message.subject()).contains(received.getSubject());
        assertThat(MessageParts.of(message).text().orElseThrow().strip()).isEqualTo(GreenMailUtil.getBody(received));

        greenMail.purgeEmailFromAllMailboxes();
        smtp.clearMessages();
        assertThat(greenMail.getReceivedMessages()).isEmpty();
        assertThat(smtp.messages()).isEmpty();
    }

    @Test
    void failures_that_green_mail_cannot_make() throws Exception {
        smtp.failNext(SmtpStage.RCPT, "451 4.7.1 Greylisted, try again later");
        assertThatThrownBy(() -> send(smtp.port(), null, null)).hasStackTraceContaining("451 4.7.1");
    }

    /** Its own servers, with a user: these fields hide the outer class's. */
    @Nested
    class WithALogin {
        @RegisterExtension
        static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

        @RegisterExtension
        static SmtpLabExtension smtpWithUser =
                SmtpLabExtension.withServer(b -> b.authUser("alice", "s3cret").allowPlaintextAuth());

        @Test
        void users() throws Exception {
            greenMail.setUser("alice@example.test", "alice", "s3cret");
            send(greenMail.getSmtp().getPort(), "alice", "s3cret");
            send(smtpWithUser.port(), "alice", "s3cret");
            greenMail.waitForIncomingEmail(5000, 1);
            assertThat(smtpWithUser.takeMessage(Duration.ofSeconds(5))).wasAuthenticatedAs("alice");
        }
    }
}
