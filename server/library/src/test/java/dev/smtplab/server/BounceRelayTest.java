package dev.smtplab.server;

import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.scenario.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Reports handed to the application's bounce handler (--bounce-relay): delivered, retried while it is down, given up on a 5xx. */
class BounceRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<FakeSmtpServer> servers = new CopyOnWriteArrayList<>();
    private final List<String> relayed = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(FakeSmtpServer::stop);
    }

    private FakeSmtpServer lab(int relayPort) {
        FakeSmtpServer lab = FakeSmtpServer.builder().hostName("mx.example.test")
                .scenario(Scenario.builder().preset("bounce-later:after=0s").build())
                .bounceRelay("127.0.0.1", relayPort, Duration.ofMillis(100)).build();
        lab.addListener(new ServerEventListener() {
            @Override
            public void notificationRelayed(RecordedMessage report, String relay, String outcome, int attempt,
                                            String error) {
                relayed.add(outcome + " " + attempt + (error == null ? "" : " " + error));
            }
        });
        servers.add(lab.start());
        return lab;
    }

    private static void send(FakeSmtpServer lab) throws Exception {
        try (RawSmtp smtp = new RawSmtp(lab.port())) {
            smtp.reply();
            smtp.command("EHLO app.example.test");
            smtp.command("MAIL FROM:<app@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            smtp.command("DATA");
            // "..hello" is the line ".hello", dot-stuffed: the report carries it, and the relay must stuff it again.
            assertThat(smtp.command("Subject: news\r\n\r\n..hello\r\n.")).startsWith("250");
            smtp.command("QUIT");
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    @Test
    void the_report_reaches_the_bounce_handler_from_the_null_sender_and_is_stored_too() throws Exception {
        FakeSmtpServer handler = FakeSmtpServer.builder().build().start();
        servers.add(handler);
        FakeSmtpServer lab = lab(handler.port());
        send(lab);
        RecordedMessage received = handler.awaitMessage(message -> true, WAIT);
        assertThat(received.mailFrom()).isEmpty();
        assertThat(received.acceptedRecipients()).containsExactly("app@example.test");
        assertThat(received.header("Content-Type").orElseThrow()).startsWith("multipart/report");
        // Dot-stuffed on the way, whole on arrival: the same bytes as the report the lab kept.
        RecordedMessage kept = lab.awaitMessage(message -> message.mailFrom().isEmpty(), WAIT);
        assertThat(received.dataAsString()).isEqualTo(kept.dataAsString()).contains("\r\n.hello\r\n");
        long until = System.nanoTime() + WAIT.toNanos();
        while (relayed.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(relayed).containsExactly("delivered 1");
    }

    @Test
    void a_handler_that_is_down_is_tried_again_until_it_is_up() throws Exception {
        int port = freePort();
        FakeSmtpServer lab = lab(port);
        send(lab);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (relayed.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(relayed.get(0)).startsWith("retrying 1");
        FakeSmtpServer handler = FakeSmtpServer.builder().port(port).build().start();
        servers.add(handler);
        assertThat(handler.awaitMessage(message -> message.mailFrom().isEmpty(), WAIT).acceptedRecipients())
                .containsExactly("app@example.test");
        long until = System.nanoTime() + WAIT.toNanos();
        while (relayed.stream().noneMatch(event -> event.startsWith("delivered ")) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(relayed).anySatisfy(event -> assertThat(event).startsWith("delivered "));
    }

    @Test
    void a_handler_that_refuses_for_good_is_not_asked_again() throws Exception {
        FakeSmtpServer handler = FakeSmtpServer.builder().scenario(Scenario.builder().preset("unknown-recipient")
                .build()).build().start();
        servers.add(handler);
        FakeSmtpServer lab = lab(handler.port());
        send(lab);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (relayed.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(500);
        assertThat(relayed).hasSize(1);
        assertThat(relayed.get(0)).startsWith("failed 1 RCPT TO:<app@example.test> was refused: 550 5.1.1 <app@example.test>");
    }
}
