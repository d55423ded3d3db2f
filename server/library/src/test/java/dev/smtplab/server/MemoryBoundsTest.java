package dev.smtplab.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory has bounds a client cannot push past: message content in flight is budgeted across all
 * sessions, and a message that does not fit, or is over the size limit, is read and let go.
 */
class MemoryBoundsTest {
    private static final int KB = 1024;

    private FakeSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static void greetAndStartMessage(RawSmtp smtp) throws Exception {
        smtp.reply();
        smtp.command("EHLO client.test");
        startMessage(smtp);
    }

    private static void startMessage(RawSmtp smtp) throws Exception {
        assertThat(smtp.command("MAIL FROM:<a@example.test>")).startsWith("250 ");
        assertThat(smtp.command("RCPT TO:<b@example.test>")).startsWith("250 ");
        assertThat(smtp.command("DATA")).startsWith("354 ");
    }

    /** Lines of 1,000 octets (with CRLF), about this many kilobytes in all. */
    private static String content(int kilobytes) {
        String line = "x".repeat(998) + "\r\n";
        return "Subject: big\r\n\r\n" + line.repeat(kilobytes * KB / 1000);
    }

    @Test
    void a_message_that_does_not_fit_in_the_memory_left_gets_452_and_the_others_go_on() throws Exception {
        server = FakeSmtpServer.builder().maxDataInFlight(1024 * KB).build().start();
        try (RawSmtp slow = new RawSmtp(server.port()); RawSmtp second = new RawSmtp(server.port())) {
            greetAndStartMessage(slow);
            slow.send(content(700));
            long ends = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.dataInFlight() < 600 * KB && System.nanoTime() < ends) {
                Thread.sleep(10);
            }
            assertThat(server.dataInFlight()).as("the slow upload holds its part").isGreaterThanOrEqualTo(600 * KB);

            greetAndStartMessage(second);
            assertThat(second.command(content(700) + ".")).isEqualTo("452 4.3.1 Insufficient system storage");
            assertThat(second.command("NOOP")).as("the session goes on").startsWith("250 ");
            startMessage(second);
            assertThat(second.command("Subject: small\r\n\r\nfits\r\n.")).startsWith("250 ");

            assertThat(slow.command(".")).startsWith("250 ");
        }
        assertThat(server.messages()).extracting(message -> message.subject().orElse("")).containsExactly("small", "big");
        assertThat(server.dataInFlight()).isZero();
        assertThat(server.awaitSession(s -> s.transcriptText().contains("452 4.3.1"), Duration.ofSeconds(5))
                .transcriptText()).contains("did not fit in the memory left for messages in flight");
    }

    @Test
    void a_message_over_the_size_limit_is_read_to_its_end_and_let_go() throws Exception {
        server = FakeSmtpServer.builder().maxMessageSize(100 * KB).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            greetAndStartMessage(smtp);
            assertThat(smtp.command(content(1024) + ".")).startsWith("552 5.3.4 Message size exceeds fixed maximum "
                    + "message size (1048016 octets received, 102400 allowed)");
            assertThat(smtp.command("NOOP")).as("nothing of the message was read as a command").startsWith("250 ");
        }
        assertThat(server.dataInFlight()).isZero();
        assertThat(server.messages()).isEmpty();
    }
}
