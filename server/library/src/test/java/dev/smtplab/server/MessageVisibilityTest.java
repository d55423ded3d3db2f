package dev.smtplab.server;

import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message becomes visible only with its session complete up to the reply to its final dot, and
 * before the client can read that reply: neither reader ever races the other.
 */
class MessageVisibilityTest {
    @Test
    void when_take_message_returns_its_session_already_holds_the_250_and_the_client_finds_the_message()
            throws Exception {
        try (FakeSmtpServer server = FakeSmtpServer.builder().build().start()) {
            for (int run = 0; run < 200; run++) {
                CountDownLatch checked = new CountDownLatch(1);
                int expected = run + 1;
                CompletableFuture<Boolean> clientFoundIt = CompletableFuture.supplyAsync(() -> {
                    try (RawSmtp smtp = new RawSmtp(server.port())) {
                        smtp.reply();
                        smtp.command("HELO client.test");
                        smtp.command("MAIL FROM:<a@example.test>");
                        smtp.command("RCPT TO:<b@example.test>");
                        smtp.command("DATA");
                        String reply = smtp.command("Subject: run " + expected + "\r\n\r\nbody\r\n.");
                        // The client has its 250: the message must be there for it.
                        boolean found = reply.startsWith("250 ") && server.store().message(reply.substring(
                                reply.lastIndexOf(' ') + 1)).isPresent();
                        checked.await(10, TimeUnit.SECONDS);
                        smtp.command("QUIT");
                        return found;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                RecordedMessage message = server.takeMessage(Duration.ofSeconds(10));
                RecordedSession session = server.store().session(message.sessionId()).orElseThrow();
                assertThat(session.transcriptText()).as("run %d", expected)
                        .contains("S: 250 2.0.0 Ok: queued as " + message.id());
                assertThat(session.messageIds()).contains(message.id());
                checked.countDown();
                assertThat(clientFoundIt.get(10, TimeUnit.SECONDS)).as("run %d: the client found it", expected).isTrue();
            }
        }
    }
}
