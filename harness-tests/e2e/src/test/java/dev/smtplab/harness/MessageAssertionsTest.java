package dev.smtplab.harness;

import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.SmtpStage;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static dev.smtplab.harness.SmtpLabAssertions.assertThatThrownBy;

/** The assertions people reach for, each shown passing on a real send and failing with a clear message. */
class MessageAssertionsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};

    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create();

    /** An order mail from Jakarta Mail: To, Cc and Bcc; text and HTML; a CSV and a PNG attached. */
    private static void sendOrderMail() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", "127.0.0.1");
        properties.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(properties));
        message.setFrom(new InternetAddress("shop@example.test"));
        message.setRecipients(Message.RecipientType.TO, "bob@example.test");
        message.setRecipients(Message.RecipientType.CC, "carol@example.test");
        message.setRecipients(Message.RecipientType.BCC, "audit@example.test");
        message.setSubject("Your order");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Order 1001 is confirmed. Track it: https://shop.example.test/track?o=1001&k=x\n", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>Order <b>1001</b> is confirmed.</p><a href=\"https://shop.example.test/track?o=1001&amp;k=x\">"
                + "Track</a>", "text/html; charset=UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        MimeBodyPart body = new MimeBodyPart();
        body.setContent(alternative);
        MimeBodyPart csv = new MimeBodyPart();
        csv.setDataHandler(new DataHandler(new ByteArrayDataSource("item,qty\r\nbook,2\r\n".getBytes(
                StandardCharsets.UTF_8), "text/csv")));
        csv.setFileName("order.csv");
        MimeBodyPart png = new MimeBodyPart();
        png.setDataHandler(new DataHandler(new ByteArrayDataSource(PNG, "image/png")));
        png.setFileName("logo.png");
        message.setContent(new MimeMultipart(body, csv, png));
        Transport.send(message);
    }

    @Test
    void envelope_and_header_recipients_differ_by_the_bcc_which_stays_out_of_the_content() throws Exception {
        sendOrderMail();
        RecordedMessage message = smtp.takeMessage(WAIT);
        assertThat(message)
                .hasEnvelopeRecipients("bob@example.test", "carol@example.test", "audit@example.test")
                .hasHeaderRecipients("carol@example.test", "bob@example.test")
                .hasNoBccHeader()
                .hasNoHeader("X-Secret");
        assertThatThrownBy(() -> assertThat(message).hasHeaderRecipients("bob@example.test"))
                .hasMessageStartingWith("expected the header recipients (To and Cc) [bob@example.test] but they were "
                        + "[bob@example.test, carol@example.test]" + System.lineSeparator()
                        + "  unexpected: [carol@example.test]");
        assertThatThrownBy(() -> assertThat(message).hasNoHeader("Subject"))
                .hasMessageStartingWith("expected no Subject header but the content has Subject: Your order");
    }

    @Test
    void a_bcc_header_left_in_the_content_fails() throws Exception {
        send("EHLO app.test", "MAIL FROM:<shop@example.test>", "RCPT TO:<bob@example.test>", "DATA",
                "To: bob@example.test\r\nBcc: audit@example.test\r\nSubject: leak\r\n\r\nhi", ".", "QUIT");
        assertThatThrownBy(() -> assertThat(smtp.takeMessage(WAIT)).hasNoBccHeader())
                .hasMessageStartingWith("expected no Bcc header but the content has Bcc: audit@example.test");
    }

    @Test
    void html_and_attachment_content_are_checked_decoded() throws Exception {
        sendOrderMail();
        RecordedMessage message = smtp.takeMessage(WAIT);
        assertThat(message)
                .hasHtmlBodyContaining("Order <b>1001</b>")
                .hasAttachmentWithText("order.csv", "item,qty\r\nbook,2\r\n")
                .hasAttachmentWithContent("logo.png", PNG)
                .hasLinkMatching("/track\\?o=1001&k=x$");
        byte[] otherImage = PNG.clone();
        otherImage[5] = 9;
        assertThatThrownBy(() -> assertThat(message).hasAttachmentWithContent("logo.png", otherImage))
                .hasMessageStartingWith("expected the attachment logo.png to hold 8 bytes as given but it holds 8 that "
                        + "differ from byte 5");
        assertThatThrownBy(() -> assertThat(message).hasAttachmentWithText("invoice.pdf", "x"))
                .hasMessageStartingWith("expected an attachment named invoice.pdf but the attachments were "
                        + "[order.csv (text/csv), logo.png (image/png)]");
        assertThatThrownBy(() -> assertThat(message).hasHtmlBodyContaining("Order 1002"))
                .hasMessageStartingWith("expected the HTML body to contain \"Order 1002\" but it was");
        assertThatThrownBy(() -> assertThat(message).hasLinkMatching("/unsubscribe"))
                .hasMessageStartingWith("expected a link matching //unsubscribe/ but the links were "
                        + "[https://shop.example.test/track?o=1001&k=x]");
    }

    @Test
    void dsn_parameters_are_checked() throws Exception {
        send("EHLO app.test", "MAIL FROM:<shop@example.test> RET=HDRS ENVID=order-1001 SMTPUTF8",
                "RCPT TO:<bob@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.test", "DATA",
                "Subject: dsn\r\n\r\nhi", ".", "QUIT");
        RecordedMessage message = smtp.takeMessage(WAIT);
        assertThat(message).hasDsnReturn("HDRS").hasDsnEnvelopeId("order-1001").hasMailParameter("ret", "HDRS")
                .hasDsnNotify("bob@example.test", "SUCCESS,FAILURE").hasMailParameter("SMTPUTF8", "");
        assertThatThrownBy(() -> assertThat(message).hasDsnNotify("bob@example.test", "NEVER"))
                .hasMessageStartingWith("expected RCPT TO:<bob@example.test> to carry NOTIFY=NEVER but it had "
                        + "NOTIFY=SUCCESS,FAILURE");
        assertThatThrownBy(() -> assertThat(message).hasDsnReturn("FULL"))
                .hasMessageStartingWith("expected MAIL FROM to carry RET=FULL but its parameters were");
    }

    @Test
    void pipelining_is_seen_on_the_wire() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), smtp.port())) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            readReply(in);
            out.write("EHLO app.test\r\n".getBytes(StandardCharsets.US_ASCII));
            readReply(in);
            out.write(("MAIL FROM:<shop@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 3; i++) {
                readReply(in);
            }
            out.write("Subject: fast\r\n\r\nhi\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            readReply(in);
            readReply(in);
        }
        assertThat(smtp.takeMessage(WAIT)).wasSentWithPipelining();

        sendOrderMail();   // Jakarta Mail waits for each reply unless told to pipeline
        RecordedMessage waited = smtp.takeMessage(WAIT);
        assertThatThrownBy(() -> assertThat(waited).wasSentWithPipelining())
                .hasMessageStartingWith("expected the message to be sent with PIPELINING (RFC 2920) but the client "
                        + "waited for each reply");
    }

    @Test
    void an_end_of_data_look_alike_is_flagged() throws Exception {
        send("EHLO app.test", "MAIL FROM:<shop@example.test>", "RCPT TO:<bob@example.test>", "DATA",
                "Subject: smuggle\r\n\r\nhi\n.\nMAIL FROM:<admin@example.test>", ".", "QUIT");
        RecordedMessage smuggled = smtp.takeMessage(WAIT);
        assertThat(smuggled).hasSuspiciousEndOfData();
        assertThatThrownBy(() -> assertThat(smuggled).hasNoSuspiciousEndOfData())
                .hasMessageStartingWith("expected no suspicious end-of-data sequence but the content had");
        sendOrderMail();
        assertThat(smtp.takeMessage(WAIT)).hasNoSuspiciousEndOfData();
    }

    @Test
    void a_retry_after_a_4xx_delivers_once_and_a_duplicate_is_caught() throws Exception {
        smtp.failNext(SmtpStage.RCPT, "451 4.7.1 Greylisted, try again later");
        assertThatThrownBy(MessageAssertionsTest::sendOrderMail).isInstanceOf(MessagingException.class);
        sendOrderMail();
        assertThat(smtp).receivesExactly(1, Duration.ofMillis(500)).hasMessageCount(1);

        sendOrderMail();   // a mailer that retried a send that had worked
        assertThatThrownBy(() -> assertThat(smtp).receivesExactly(1, Duration.ofSeconds(30)))
                .hasMessageStartingWith("expected exactly 1 message(s) within 30 s but 2 arrived");
    }

    private static void send(String... lines) throws Exception {
        Dialogues.talk(smtp.port(), Dialogues.c("send", lines));
    }

    private static void readReply(BufferedReader in) throws Exception {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
    }
}
