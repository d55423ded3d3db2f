package dev.smtplab.server;

import dev.smtplab.server.record.Recipient;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MessageRecordingTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private FakeSmtpServer server;

    @BeforeEach
    void start() {
        server = FakeSmtpServer.builder().build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void multipart_message_to_two_recipients_is_one_record_with_the_exact_bytes() throws Exception {
        MimeMessage message = new MimeMessage(Sending.mailSession(server.port()));
        message.setFrom(new InternetAddress("sender@example.test"));
        message.setRecipients(Message.RecipientType.TO, "first@example.test, second@example.test");
        message.setSubject("Quarterly report");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Please find the report attached.\r\n", "UTF-8");
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setDataHandler(new DataHandler(new ByteArrayDataSource(new byte[] {1, 2, 3, 0, (byte) 0xff},
                "application/octet-stream")));
        attachment.setFileName("report.bin");
        message.setContent(new MimeMultipart(text, attachment));
        message.saveChanges();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        message.writeTo(expected);

        // sendMessage, unlike Transport.send, does not call saveChanges again (which would make a new Message-ID).
        try (Transport transport = message.getSession().getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getAllRecipients());
        }

        RecordedMessage recorded = server.takeMessage(WAIT);
        assertThat(server.messages()).hasSize(1);
        assertThat(recorded.mailFrom()).isEqualTo("sender@example.test");
        assertThat(recorded.recipients()).extracting(Recipient::address, Recipient::replyCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("first@example.test", 250),
                        org.assertj.core.groups.Tuple.tuple("second@example.test", 250));
        assertThat(recorded.acceptedRecipients()).containsExactly("first@example.test", "second@example.test");
        assertThat(recorded.dataAsString()).isEqualTo(expected.toString(StandardCharsets.UTF_8));
        assertThat(recorded.data()).isEqualTo(expected.toByteArray());
        assertThat(recorded.size()).isEqualTo(expected.size());
        assertThat(recorded.subject()).contains("Quarterly report");
        assertThat(recorded.helo()).contains("client.test");
        assertThat(recorded.dataAsString()).doesNotContain("Received:");
        assertThat(recorded.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(recorded.clientPort()).isPositive();
        assertThat(recorded.connectionIndex()).isEqualTo(1);
        assertThat(recorded.transactionIndex()).isEqualTo(1);
        MimeMultipart parsed = (MimeMultipart) recorded.toMimeMessage().getContent();
        assertThat(parsed.getBodyPart(1).getFileName()).isEqualTo("report.bin");
    }

    @Test
    void body_lines_starting_with_a_dot_round_trip_exactly() throws Exception {
        String body = ".hidden\r\n..two dots\r\n.\r\nnot the end\r\n. \r\n";
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            assertThat(smtp.command("DATA")).startsWith("354");
            String stuffed = "Subject: dots\r\n\r\n" + body.replaceAll("(?m)^\\.", "..");
            smtp.send(stuffed + ".\r\n");
            assertThat(smtp.reply()).matches("250 2\\.0\\.0 Ok: queued as \\d+");
        }
        RecordedMessage recorded = server.takeMessage(WAIT);
        assertThat(recorded.dataAsString()).isEqualTo("Subject: dots\r\n\r\n" + body);
    }

    @Test
    void eight_bit_utf8_body_is_kept_byte_for_byte_with_its_body_parameter() throws Exception {
        String content = "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln — 東京 🚀\r\n";
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.command("EHLO client.test")).contains("8BITMIME");
            assertThat(smtp.command("MAIL FROM:<a@example.test> BODY=8BITMIME")).startsWith("250");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.command("DATA");
            smtp.send(content.getBytes(StandardCharsets.UTF_8));
            assertThat(smtp.command(".")).startsWith("250");
        }
        RecordedMessage recorded = server.takeMessage(WAIT);
        assertThat(recorded.data()).isEqualTo(content.getBytes(StandardCharsets.UTF_8));
        assertThat(recorded.mailParameters()).containsExactly(Map.entry("BODY", "8BITMIME"));
        assertThat(recorded.subject()).contains("Grüße");
    }

    @Test
    void smtputf8_addresses_are_recorded_as_sent() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.command("EHLO client.test")).contains("SMTPUTF8");
            assertThat(smtp.command("MAIL FROM:<jürgen@bücher.test> SMTPUTF8 SIZE=64")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<用户@例子.test>")).startsWith("250");
            smtp.command("DATA");
            smtp.send("Subject: utf8\r\n\r\nhi\r\n");
            assertThat(smtp.command(".")).startsWith("250");
        }
        RecordedMessage recorded = server.takeMessage(WAIT);
        assertThat(recorded.mailFrom()).isEqualTo("jürgen@bücher.test");
        assertThat(recorded.mailParameters()).containsExactly(Map.entry("SMTPUTF8", ""), Map.entry("SIZE", "64"));
        assertThat(recorded.acceptedRecipients()).containsExactly("用户@例子.test");
    }

    @Test
    void rcpt_parameters_and_every_reply_are_recorded() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<>");
            smtp.command("RCPT TO:<b@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.test");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: bounce\r\n\r\nbody\r\n.")).startsWith("250");
        }
        RecordedMessage recorded = server.takeMessage(WAIT);
        assertThat(recorded.mailFrom()).isEmpty();
        Recipient recipient = recorded.recipients().get(0);
        assertThat(recipient.parameters()).containsExactly(Map.entry("NOTIFY", "SUCCESS,FAILURE"),
                Map.entry("ORCPT", "rfc822;b@example.test"));
        assertThat(recipient.reply()).isEqualTo("250 2.1.5 Ok");
    }

    @Test
    void rset_mid_transaction_records_no_message_but_the_transcript_shows_it() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            assertThat(smtp.command("RSET")).startsWith("250");
            assertThat(smtp.command("QUIT")).startsWith("221");
        }
        RecordedSession session = awaitEnded();
        assertThat(server.messages()).isEmpty();
        assertThat(session.transcriptText()).contains("C: RSET\n").contains("C: RCPT TO:<b@example.test>\n");
    }

    @Test
    void two_transactions_on_one_connection_are_two_records_indexed_1_and_2() throws Exception {
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            for (int i = 1; i <= 2; i++) {
                smtp.command("MAIL FROM:<a@example.test>");
                smtp.command("RCPT TO:<b" + i + "@example.test>");
                smtp.command("DATA");
                assertThat(smtp.command("Subject: number " + i + "\r\n\r\nbody\r\n.")).startsWith("250");
            }
            smtp.command("QUIT");
        }
        var messages = server.awaitMessages(2, WAIT);
        assertThat(messages).extracting(RecordedMessage::transactionIndex).containsExactly(1, 2);
        assertThat(messages).extracting(RecordedMessage::connectionIndex).containsOnly(1L);
        assertThat(messages.get(1).subject()).contains("number 2");
        RecordedSession session = awaitEnded();
        assertThat(session.messageIds()).containsExactly(messages.get(0).id(), messages.get(1).id());
        assertThat(messages).extracting(RecordedMessage::sessionId).containsOnly(session.id());
    }

    @Test
    void bdat_chunks_are_recorded_and_commands_after_them_still_work() throws Exception {
        byte[] first = "Subject: chunked\r\n\r\nbare\nLF and a NUL \0 inside a chunk\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] last = "the end\r\n".getBytes(StandardCharsets.UTF_8);
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.command("EHLO client.test")).contains("CHUNKING");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.send("BDAT " + first.length + "\r\n");
            smtp.send(first);
            assertThat(smtp.reply()).startsWith("250");
            smtp.send("BDAT " + last.length + " LAST\r\n");
            smtp.send(last);
            assertThat(smtp.reply()).startsWith("250");
            assertThat(smtp.command("NOOP")).startsWith("250");
        }
        RecordedMessage recorded = server.takeMessage(WAIT);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(first);
        expected.write(last);
        assertThat(recorded.data()).isEqualTo(expected.toByteArray());
    }

    @Test
    void message_over_the_size_limit_gets_552_and_the_session_goes_on() throws Exception {
        server.stop();
        server = FakeSmtpServer.builder().maxMessageSize(100).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.command("EHLO client.test")).contains("250-SIZE 100");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: big\r\n\r\n" + "x".repeat(200) + "\r\n."))
                    .startsWith("552 5.3.4 Message size exceeds fixed maximum message size");
            assertThat(smtp.command("RSET")).startsWith("250");
            assertThat(smtp.command("NOOP")).startsWith("250");
        }
        assertThat(server.messages()).isEmpty();
    }

    private RecordedSession awaitEnded() throws InterruptedException {
        return server.awaitSession(session -> session.ended().isPresent(), WAIT);
    }
}
