package dev.smtplab.server;

import dev.smtplab.server.record.RecordedSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** One host cannot take every slot: connections per client and in all are bounded, as in Postfix. */
class ConnectionLimitsTest {
    private FakeSmtpServer server;
    private final List<RawSmtp> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RawSmtp smtp : open) {
            smtp.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private RawSmtp connect() throws Exception {
        RawSmtp smtp = new RawSmtp(server.port());
        open.add(smtp);
        return smtp;
    }

    @Test
    void past_the_per_client_limit_a_connection_gets_421_and_a_freed_slot_serves_again() throws Exception {
        server = FakeSmtpServer.builder().maxConnections(100, 2).build().start();
        assertThat(connect().reply()).startsWith("220 ");
        RawSmtp second = connect();
        assertThat(second.reply()).startsWith("220 ");
        RawSmtp third = connect();
        assertThat(third.reply()).isEqualTo("421 4.7.0 localhost Error: too many connections from 127.0.0.1");
        assertThat(third.reply()).as("closed").isNull();
        second.close();
        // Both the one closed and the one refused count until their sockets are closed.
        server.awaitSession(s -> s.connectionIndex() == 2 && s.ended().isPresent(), Duration.ofSeconds(5));
        RecordedSession refused = server.awaitSession(s -> s.connectionIndex() == 3 && s.ended().isPresent(),
                Duration.ofSeconds(5));
        assertThat(connect().reply()).startsWith("220 ");
        assertThat(refused.outcomeDetail()).isEqualTo("3 open connections from 127.0.0.1, 2 allowed "
                + "(--max-connections-per-client)");
    }

    @Test
    void past_the_total_limit_a_connection_gets_421() throws Exception {
        server = FakeSmtpServer.builder().maxConnections(2, 50).build().start();
        assertThat(connect().reply()).startsWith("220 ");
        assertThat(connect().reply()).startsWith("220 ");
        assertThat(connect().reply()).isEqualTo("421 4.7.0 localhost Error: too many connections, try again later");
    }

    @Test
    void the_defaults_are_postfix_s() throws Exception {
        server = FakeSmtpServer.builder().build().start();
        for (int i = 0; i < 50; i++) {
            assertThat(connect().reply()).as("connection %d", i + 1).startsWith("220 ");
        }
        assertThat(connect().reply()).isEqualTo("421 4.7.0 localhost Error: too many connections from 127.0.0.1");
    }

    @Test
    void a_burst_of_300_clients_connecting_at_once_all_get_a_banner() throws Exception {
        server = FakeSmtpServer.builder().maxConnections(1000, 400).build().start();
        int clients = 300;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> banners = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                banners.add(pool.submit(() -> {
                    start.await();
                    try (RawSmtp smtp = new RawSmtp(server.port())) {
                        return smtp.reply();
                    }
                }));
            }
            start.countDown();
            int greeted = 0;
            for (Future<String> banner : banners) {
                String reply = banner.get();
                if (reply != null && reply.startsWith("220 ")) {
                    greeted++;
                }
            }
            assertThat(greeted).isEqualTo(clients);
        } finally {
            pool.shutdownNow();
        }
    }
}
