package dev.smtplab.server;

import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.scenario.Scenario;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accepted now, bounced later: the notifications rules ask for, and those NOTIFY asks for, arrive as
 * RFC 3464 reports from the null sender, read here by Jakarta Mail, field by field.
 */
class NotificationsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private FakeSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void start(Scenario scenario) {
        server = FakeSmtpServer.builder().hostName("mx.example.test").scenario(scenario).build().start();
    }

    /** Sends one message; returns the replies to MAIL, each RCPT, and the message. */
    private List<String> send(String mail, String... rcpts) throws Exception {
        List<String> replies = new ArrayList<>();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.example.test");
            replies.add(smtp.command(mail));
            for (String rcpt : rcpts) {
                replies.add(smtp.command(rcpt));
            }
            smtp.command("DATA");
            replies.add(smtp.command("Message-ID: <original-1@client.example.test>\r\nSubject: the original\r\n\r\n"
                    + "hello\r\n."));
            smtp.command("QUIT");
        }
        return replies;
    }

    private RecordedMessage awaitNotification() throws InterruptedException {
        return server.awaitMessage(message -> message.mailFrom().isEmpty(), WAIT);
    }

    private static MimeMessage parse(RecordedMessage message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message.data()));
    }

    /** The message/delivery-status part's field groups: the message's, then one per recipient. */
    private static List<InternetHeaders> fields(MimeMessage report) throws Exception {
        MimeMultipart parts = (MimeMultipart) report.getContent();
        BodyPart status = parts.getBodyPart(1);
        assertThat(status.getContentType()).isEqualTo("message/delivery-status");
        String text;
        Object content = status.getContent();
        if (content instanceof InputStream stream) {
            text = new String(stream.readAllBytes(), StandardCharsets.US_ASCII);
        } else {
            text = content.toString();
        }
        List<InternetHeaders> groups = new ArrayList<>();
        for (String group : text.split("\r\n\r\n")) {
            if (!group.isBlank()) {
                groups.add(new InternetHeaders(new ByteArrayInputStream((group.strip() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII))));
            }
        }
        return groups;
    }

    @Test
    void bounce_later_accepts_then_sends_a_failure_report_with_the_whole_message() throws Exception {
        start(Scenario.builder().preset("bounce-later:addresses=bob@*;after=200ms").build());
        List<String> replies = send("MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>",
                "RCPT TO:<carol@example.test>");
        assertThat(replies).allSatisfy(reply -> assertThat(reply).startsWith("250"));
        RecordedMessage original = server.awaitMessage(message -> !message.mailFrom().isEmpty(), WAIT);

        RecordedMessage bounce = awaitNotification();
        assertThat(bounce.acceptedRecipients()).containsExactly("alice@example.test");
        assertThat(Duration.between(original.receivedAt(), bounce.receivedAt())).isGreaterThanOrEqualTo(
                Duration.ofMillis(200));
        MimeMessage report = parse(bounce);
        assertThat(report.getContentType()).startsWith("multipart/report").contains("report-type=delivery-status");
        assertThat(report.getHeader("From")[0]).isEqualTo("Mail Delivery System <MAILER-DAEMON@mx.example.test>");
        assertThat(report.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(report.getHeader("In-Reply-To")[0]).isEqualTo("<original-1@client.example.test>");
        assertThat(report.getHeader("Auto-Submitted")[0]).isEqualTo("auto-replied");
        assertThat(report.getHeader("X-SMTP-Lab-Report-About")[0]).isEqualTo(original.id());
        MimeMultipart parts = (MimeMultipart) report.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(0).getContent().toString()).contains("<bob@example.test>: host mx.example.test "
                + "said: 550 5.1.1 <bob@example.test>: Recipient address rejected");
        List<InternetHeaders> fields = fields(report);
        assertThat(fields).hasSize(2); // carol was not bounced
        assertThat(fields.get(0).getHeader("Reporting-MTA")[0]).isEqualTo("dns; mx.example.test");
        assertThat(fields.get(0).getHeader("Arrival-Date")).isNotNull();
        assertThat(fields.get(0).getHeader("Original-Envelope-Id")).isNull();
        InternetHeaders bob = fields.get(1);
        assertThat(bob.getHeader("Final-Recipient")[0]).isEqualTo("rfc822; bob@example.test");
        assertThat(bob.getHeader("Original-Recipient")).isNull();
        assertThat(bob.getHeader("Action")[0]).isEqualTo("failed");
        assertThat(bob.getHeader("Status")[0]).isEqualTo("5.1.1");
        assertThat(bob.getHeader("Diagnostic-Code")[0]).isEqualTo("smtp; 550 5.1.1 <bob@example.test>: Recipient "
                + "address rejected: User unknown in local recipient table");
        assertThat(bob.getHeader("Last-Attempt-Date")).isNotNull();
        assertThat(parts.getBodyPart(2).getContentType()).isEqualTo("message/rfc822");
        assertThat(((MimeMessage) parts.getBodyPart(2).getContent()).getSubject()).isEqualTo("the original");

        RecordedSession sent = server.awaitSession(session -> session.messageIds().contains(original.id())
                && session.ended().isPresent(), WAIT);
        assertThat(sent.transcript()).anySatisfy(line -> assertThat(line.text()).contains(
                "a failed notification (DSN) about bob@example.test goes to <alice@example.test> in 200 ms"));
        RecordedSession notification = server.awaitSession(session -> session.messageIds().contains(bounce.id()), WAIT);
        assertThat(notification.transcript().get(0).text()).startsWith("a failed notification (DSN) about message "
                + original.id() + ":");
    }

    @Test
    void envid_orcpt_and_ret_hdrs_are_honoured_and_a_magic_address_bounces() throws Exception {
        start(Scenario.none());
        send("MAIL FROM:<alice@example.test> RET=HDRS ENVID=QQ314159+2Bx", "RCPT TO:<bounce-550-5.2.1@example.test> "
                + "NOTIFY=FAILURE ORCPT=rfc822;Bob+2Bsales@example.test");
        MimeMessage report = parse(awaitNotification());
        List<InternetHeaders> fields = fields(report);
        assertThat(fields.get(0).getHeader("Original-Envelope-Id")[0]).isEqualTo("QQ314159+x");
        assertThat(fields.get(1).getHeader("Original-Recipient")[0]).isEqualTo("rfc822;Bob+sales@example.test");
        assertThat(fields.get(1).getHeader("Status")[0]).isEqualTo("5.2.1");
        MimeMultipart parts = (MimeMultipart) report.getContent();
        assertThat(parts.getBodyPart(2).getContentType()).isEqualTo("text/rfc822-headers");
        String headers = new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(headers).contains("Subject: the original").doesNotContain("hello");
    }

    @Test
    void notify_success_gets_a_delivery_report_and_never_or_the_null_sender_gets_none() throws Exception {
        start(Scenario.builder().preset("bounce-later:addresses=never@*;after=0s").build());
        send("MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test> NOTIFY=SUCCESS,FAILURE",
                "RCPT TO:<never@example.test> NOTIFY=NEVER");
        MimeMessage report = parse(awaitNotification());
        assertThat(report.getSubject()).isEqualTo("Successful Mail Delivery Report");
        List<InternetHeaders> fields = fields(report);
        assertThat(fields).hasSize(2);
        assertThat(fields.get(1).getHeader("Action")[0]).isEqualTo("delivered");
        assertThat(fields.get(1).getHeader("Status")[0]).isEqualTo("2.0.0");

        send("MAIL FROM:<>", "RCPT TO:<bounce-after-0s@example.test>");
        RecordedMessage fromNullSender = server.awaitMessage(message -> message.mailFrom().isEmpty()
                && !message.acceptedRecipients().contains("alice@example.test"), WAIT);
        assertThat(fromNullSender.acceptedRecipients()).containsExactly("bounce-after-0s@example.test");
        Thread.sleep(500);
        assertThat(server.messages()).filteredOn(message -> message.mailFrom().isEmpty()).hasSize(2);
        assertThat(server.sessions()).flatExtracting(RecordedSession::transcript).anySatisfy(line ->
                assertThat(line.text()).contains("none is sent, as NOTIFY=NEVER asks"))
                .anySatisfy(line -> assertThat(line.text()).contains("the message is from the null sender <>"));
    }

    @Test
    void soft_bounce_later_sends_a_delay_notice_that_says_until_when_it_is_tried() throws Exception {
        start(Scenario.builder().preset("soft-bounce-later:after=100ms").build());
        send("MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>");
        MimeMessage report = parse(awaitNotification());
        assertThat(report.getSubject()).isEqualTo("Delayed Mail (still being retried)");
        InternetHeaders bob = fields(report).get(1);
        assertThat(bob.getHeader("Action")[0]).isEqualTo("delayed");
        assertThat(bob.getHeader("Status")[0]).isEqualTo("4.4.1");
        assertThat(bob.getHeader("Will-Retry-Until")).isNotNull();
    }
}
