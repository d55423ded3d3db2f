package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.scenario.SmtpStage;
import dev.smtplab.server.tls.TlsMaterial;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JUnit 5 extension and the AssertJ assertions, as users' tests use them. */
class HarnessTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create();

    static final int[] PORTS_SEEN = new int[2];

    private static void send(int port, String from, String to, String subject) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", "127.0.0.1");
        properties.setProperty("mail.smtp.port", Integer.toString(port));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, to);
        message.setSubject(subject);
        message.setHeader("X-Order", "42");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Your order has shipped.\n", "UTF-8");
        MimeBodyPart invoice = new MimeBodyPart();
        invoice.setDataHandler(new DataHandler(new ByteArrayDataSource("%PDF-1.4".getBytes(), "application/pdf")));
        invoice.setFileName("invoice.pdf");
        message.setContent(new MimeMultipart(text, invoice));
        Transport.send(message);
    }

    @Test
    void each_test_gets_a_fresh_server_injected_too(FakeSmtpServer server, SmtpLabExtension extension) throws Exception {
        org.assertj.core.api.Assertions.assertThat(server.messages()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(extension).isSameAs(smtp);
        org.assertj.core.api.Assertions.assertThat(server.port()).isEqualTo(smtp.port()).isPositive();
        send(smtp.port(), "shop@example.test", "carol@example.test, dan@example.test", "Shipped");
        org.assertj.core.api.Assertions.assertThat(smtp.awaitMessages(1, WAIT)).hasSize(1);
    }

    @Test
    void a_server_without_tls_says_how_to_get_it() {
        assertThatThrownBy(() -> smtp.clientSslContext()).isInstanceOf(IllegalStateException.class)
                .hasMessage("this SMTP Lab server has no TLS: register it with SmtpLabExtension.withTls()");
        org.assertj.core.api.Assertions.assertThat(smtp.jakartaMailProperties()).containsEntry("mail.smtp.port",
                Integer.toString(smtp.port())).doesNotContainKey("mail.smtp.starttls.enable");
    }

    @Test
    void a_second_test_starts_with_nothing() {
        org.assertj.core.api.Assertions.assertThat(smtp.messages()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(smtp.sessions()).isEmpty();
    }

    @Test
    void message_assertions_pass_on_what_was_sent() throws Exception {
        send(smtp.port(), "shop@example.test", "carol@example.test, dan@example.test", "Shipped");
        assertThat(smtp.takeMessage(WAIT))
                .hasSender("shop@example.test")
                .hasRecipients("dan@example.test", "carol@example.test")
                .hasSubject("Shipped")
                .hasHeader("X-Order", "42")
                .hasTextBodyContaining("has shipped")
                .hasAttachment("invoice.pdf", "application/pdf");
    }

    @Test
    void a_failing_assertion_shows_the_session_transcript() throws Exception {
        send(smtp.port(), "shop@example.test", "carol@example.test", "Shipped");
        RecordedMessage message = smtp.takeMessage(WAIT);
        assertThatThrownBy(() -> assertThat(message).hasSubject("Delivered"))
                .hasMessageContaining("expected the subject \"Delivered\" but it was \"Shipped\"")
                .hasMessageContaining("its session's transcript:")
                .hasMessageContaining("C: MAIL FROM:<shop@example.test>");
        assertThatThrownBy(() -> assertThat(message).wasSentOverTls())
                .hasMessageContaining("expected the message to come over TLS but it came in plain text");
        assertThatThrownBy(() -> assertThat(message).wasAuthenticatedAs("alice"))
                .hasMessageContaining("it did not log in");
        assertThatThrownBy(() -> assertThat(message).hasAttachment("receipt.pdf", "application/pdf"))
                .hasMessageContaining("but the attachments were [invoice.pdf (application/pdf)]");
    }

    @Test
    void queued_failures_fail_the_next_commands_in_turn_then_accept() throws Exception {
        smtp.failNext(SmtpStage.RCPT, "451 4.7.1 Try again later").failNext(SmtpStage.RCPT, "452 4.2.2 Mailbox full");
        assertThatThrownBy(() -> send(smtp.port(), "shop@example.test", "carol@example.test", "1"))
                .hasStackTraceContaining("451 4.7.1");
        assertThatThrownBy(() -> send(smtp.port(), "shop@example.test", "carol@example.test", "2"))
                .hasStackTraceContaining("452 4.2.2");
        send(smtp.port(), "shop@example.test", "carol@example.test", "3");
        assertThat(smtp.takeMessage(WAIT)).hasSubject("3");
    }

    @Test
    void presets_and_session_assertions() throws Exception {
        smtp.preset("invalid-sender:addresses=spam@example.test");
        assertThatThrownBy(() -> send(smtp.port(), "spam@example.test", "carol@example.test", "x"))
                .hasMessageContaining("553 5.1.7");
        RecordedSession session = smtp.server().awaitSession(s -> s.ended().isPresent(), WAIT);
        assertThat(session).wasRejectedAt(SmtpStage.MAIL).withCode(553);
        assertThatThrownBy(() -> assertThat(session).wasRejectedAt(SmtpStage.MAIL).withCode(550))
                .hasMessageContaining("expected the rejection to have code 550 but it was \"553 5.1.7")
                .hasMessageContaining("its transcript:");
        assertThatThrownBy(() -> assertThat(session).wasRejectedAt(SmtpStage.RCPT))
                .hasMessageContaining("expected the session to be rejected at rcpt but it was not");
        assertThat(session).hadRuleFired("invalid-sender-listed");
        assertThatThrownBy(() -> assertThat(session).hadRuleFired("greylist"))
                .hasMessageContaining("expected rule \"greylist\" to fire but only these fired: [invalid-sender-listed]");
        smtp.reset();
        send(smtp.port(), "spam@example.test", "carol@example.test", "after reset");
        assertThat(smtp.takeMessage(WAIT)).hasSubject("after reset");
    }

    @Test
    void a_refused_message_is_a_rejection_at_the_message_stage_not_at_data() throws Exception {
        smtp.failNext(SmtpStage.MESSAGE, "554 5.7.1 Looks like spam");
        assertThatThrownBy(() -> send(smtp.port(), "shop@example.test", "carol@example.test", "x"))
                .hasStackTraceContaining("554 5.7.1");
        RecordedSession session = smtp.server().awaitSession(s -> s.ended().isPresent(), WAIT);
        assertThat(session).wasRejectedAt(SmtpStage.MESSAGE).withCode(554);
        assertThatThrownBy(() -> assertThat(session).wasRejectedAt(SmtpStage.DATA))
                .hasMessageContaining("expected the session to be rejected at data but it was not");
    }

    /** A server set up by the test class: TLS and AUTH, one for the whole class. */
    @Nested
    class WithTlsAndAuth {
        @RegisterExtension
        static SmtpLabExtension secure = SmtpLabExtension.withServer(builder -> {
            try {
                builder.tls(TlsMaterial.localCa(Files.createTempDirectory("smtplab-ca"), "localhost"))
                        .authUser("alice", "s3cret");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }).perClass();

        /** Every server a test of this class saw; per-class mode means one, whatever the order. */
        static final Set<FakeSmtpServer> SEEN = ConcurrentHashMap.newKeySet();

        @AfterAll
        static void one_server_served_every_test() {
            org.assertj.core.api.Assertions.assertThat(SEEN).hasSize(1);
        }

        @Test
        void tls_and_auth_are_asserted() throws Exception {
            SEEN.add(secure.server());
            Properties properties = new Properties();
            properties.setProperty("mail.smtp.host", "127.0.0.1");
            properties.setProperty("mail.smtp.port", Integer.toString(secure.port()));
            properties.setProperty("mail.smtp.starttls.required", "true");
            properties.setProperty("mail.smtp.ssl.trust", "*");
            properties.setProperty("mail.smtp.auth", "true");
            MimeMessage message = new MimeMessage(Session.getInstance(properties));
            message.setFrom(new InternetAddress("alice@example.test"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
            message.setSubject("secure");
            message.setText("hi");
            Transport.send(message, "alice", "s3cret");
            assertThat(secure.awaitMessage(sent -> sent.subject().orElse("").equals("secure"), WAIT))
                    .wasSentOverTls().wasAuthenticatedAs("alice");
        }

        /** The class's server is the one @AfterAll counts; this test only adds what it saw. */
        @Test
        void the_same_server_serves_the_whole_class() throws Exception {
            SEEN.add(secure.server());
            send(secure.port(), "shop@example.test", "carol@example.test", "per class");
            assertThat(secure.awaitMessage(sent -> sent.subject().orElse("").equals("per class"), WAIT))
                    .hasSubject("per class");
        }
    }
}
