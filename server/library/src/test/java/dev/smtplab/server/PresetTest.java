package dev.smtplab.server;

import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.scenario.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every preset, end to end, with the exact replies the README promises. */
class PresetTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private FakeSmtpServer server;

    private FakeSmtpServer start(String... presets) {
        Scenario.Builder scenario = Scenario.builder();
        for (String preset : presets) {
            scenario.preset(preset);
        }
        server = FakeSmtpServer.builder().scenario(scenario.build()).build().start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private RawSmtp greeted() throws IOException {
        RawSmtp smtp = new RawSmtp(server.port());
        assertThat(smtp.reply()).startsWith("220 ");
        assertThat(smtp.command("EHLO client.test")).startsWith("250");
        return smtp;
    }

    @Test
    void blocked_port_makes_a_connect_time_out_instead_of_being_refused() {
        start("blocked");
        long started = System.nanoTime();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
            }
        }).isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1_900));
    }

    @Test
    void refused_port_refuses_and_can_be_switched_back_on_at_runtime() throws Exception {
        start("refused");
        int port = server.port();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class)
                .hasMessageContaining("Connection refused");
        server.setScenario(Scenario.none());
        try (RawSmtp smtp = new RawSmtp(port)) {
            assertThat(smtp.reply()).isEqualTo("220 localhost ESMTP SMTP Lab");
        }
        server.setScenario(Scenario.builder().preset("refused").build());
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void blocked_port_can_be_switched_back_on_at_runtime() throws Exception {
        start("blocked");
        server.setScenario(Scenario.none());
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).isEqualTo("220 localhost ESMTP SMTP Lab");
        }
    }

    @Test
    void silent_server_accepts_the_connection_and_sends_no_byte() throws Exception {
        start("silent");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
            socket.setSoTimeout(1_500);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
        RecordedSession session = server.awaitSession(s -> s.ended().isPresent(), WAIT);
        assertThat(session.outcome()).isEqualTo(SessionOutcome.DROPPED);
        assertThat(session.outcomeDetail()).isEqualTo("silent mode: the server accepted the connection and never greeted");
        assertThat(session.transcript()).isEmpty();
    }

    @Test
    void reject_connection_greets_with_554_and_closes() throws Exception {
        start("reject-connection");
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply())
                    .isEqualTo("554 5.7.1 Connection rejected: your address is not allowed to send mail here");
            assertThat(smtp.closedByServer()).isTrue();
        }
        RecordedSession session = server.awaitSession(s -> s.ended().isPresent(), WAIT);
        assertThat(session.outcome()).isEqualTo(SessionOutcome.REJECTED);
        assertThat(session.transcriptText()).contains("-- rule reject-connection fired at connect: reply 554 5.7.1 Connection rejected: "
                + "your address is not allowed to send mail here, then close");
    }

    @Test
    void invalid_sender_rejects_malformed_listed_and_listed_domain_senders() throws Exception {
        start("invalid-sender:addresses=spammer@example.test;domains=nowhere.test");
        try (RawSmtp smtp = greeted()) {
            assertThat(smtp.command("MAIL FROM:<not-an-address>"))
                    .isEqualTo("553 5.1.7 <not-an-address>: Sender address rejected: not a valid address");
            assertThat(smtp.command("MAIL FROM:<spammer@example.test>"))
                    .isEqualTo("553 5.1.7 <spammer@example.test>: Sender address rejected: not a valid address");
            assertThat(smtp.command("MAIL FROM:<alice@nowhere.test>"))
                    .isEqualTo("550 5.1.8 <alice@nowhere.test>: Sender address rejected: Domain not found");
            assertThat(smtp.command("MAIL FROM:<alice@example.test>")).isEqualTo("250 2.1.0 Ok");
        }
    }

    @Test
    void unknown_recipient_rejects_every_recipient_or_the_listed_ones() throws Exception {
        start("unknown-recipient:addresses=bob@example.test,*@gone.test");
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).isEqualTo(
                    "550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown in local recipient table");
            assertThat(smtp.command("RCPT TO:<anyone@gone.test>")).startsWith("550 5.1.1");
            assertThat(smtp.command("RCPT TO:<carol@example.test>")).isEqualTo("250 2.1.5 Ok");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: x\r\n\r\nbody\r\n.")).startsWith("250");
        }
        var message = server.takeMessage(WAIT);
        assertThat(message.acceptedRecipients()).containsExactly("carol@example.test");
        assertThat(message.recipients()).hasSize(3);
        assertThat(message.recipients().get(0).replyCode()).isEqualTo(550);
    }

    @Test
    void unknown_recipient_for_every_recipient_leaves_data_without_recipients() throws Exception {
        start("unknown-recipient");
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            assertThat(smtp.command("RCPT TO:<anyone@example.test>")).startsWith("550 5.1.1");
            assertThat(smtp.command("DATA")).isEqualTo("554 5.5.1 Error: no valid recipients");
        }
    }

    @Test
    void relay_denied_rejects_recipients_outside_the_accepted_domains() throws Exception {
        start("relay-denied:domains=example.test");
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("RCPT TO:<someone@elsewhere.test>"))
                    .isEqualTo("554 5.7.1 <someone@elsewhere.test>: Relay access denied");
        }
    }

    @Test
    void relay_denied_accepts_only_local_domains_by_default() throws Exception {
        start("relay-denied");
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            assertThat(smtp.command("RCPT TO:<postmaster@localhost>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).startsWith("554 5.7.1");
        }
    }

    @Test
    void mailbox_full_answers_452() throws Exception {
        start("mailbox-full");
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).isEqualTo("452 4.2.2 <bob@example.test>: Mailbox full");
        }
    }

    @Test
    void greylist_rejects_the_first_attempt_and_accepts_a_retry_after_the_delay() throws Exception {
        MutableClock clock = new MutableClock();
        server = FakeSmtpServer.builder().clock(clock)
                .scenario(Scenario.builder().preset("greylist:retry-after=5m").build()).build().start();
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).isEqualTo(
                    "451 4.7.1 <bob@example.test>: Recipient address rejected: Greylisted, please try again later");
            clock.advance(Duration.ofMinutes(4));
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).startsWith("451 4.7.1");
            assertThat(smtp.command("RCPT TO:<carol@example.test>")).startsWith("451 4.7.1");
            clock.advance(Duration.ofMinutes(2));
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).isEqualTo("250 2.1.5 Ok");
            smtp.command("RSET");
            smtp.command("MAIL FROM:<other@example.test>");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).as("another sender is a new triplet")
                    .startsWith("451 4.7.1");
        }
    }

    @Test
    void rate_limit_refuses_connections_past_the_limit_per_minute_with_421() throws Exception {
        start("rate-limit:per-minute=2");
        for (int i = 0; i < 2; i++) {
            try (RawSmtp smtp = new RawSmtp(server.port())) {
                assertThat(smtp.reply()).startsWith("220");
            }
        }
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).isEqualTo("421 4.7.0 Too many connections from your address, try again later");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }

    @Test
    void rate_limit_refuses_concurrent_connections_past_the_limit() throws Exception {
        start("rate-limit:connections=1");
        try (RawSmtp first = new RawSmtp(server.port())) {
            assertThat(first.reply()).startsWith("220");
            try (RawSmtp second = new RawSmtp(server.port())) {
                assertThat(second.reply()).startsWith("421 4.7.0");
            }
        }
        // The count drops when the server has seen the first client leave, not when the client closed.
        server.awaitSession(s -> s.connectionIndex() == 1 && s.ended().isPresent(), WAIT);
        server.awaitSession(s -> s.connectionIndex() == 2 && s.ended().isPresent(), WAIT);
        try (RawSmtp again = new RawSmtp(server.port())) {
            assertThat(again.reply()).as("the first one has closed, so there is room again").startsWith("220");
        }
    }

    @Test
    void auth_required_answers_530_at_mail() throws Exception {
        start("auth-required");
        try (RawSmtp smtp = greeted()) {
            assertThat(smtp.command("MAIL FROM:<alice@example.test>")).isEqualTo("530 5.7.0 Authentication required");
        }
    }

    @Test
    void message_too_big_rejects_after_the_final_dot() throws Exception {
        start("message-too-big:max=100");
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: small\r\n\r\nok\r\n.")).startsWith("250");
            smtp.command("MAIL FROM:<alice@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: big\r\n\r\n" + "x".repeat(200) + "\r\n."))
                    .isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size");
        }
        assertThat(server.messages()).hasSize(1);
    }

    @Test
    void spam_rejected_answers_554_after_the_final_dot_and_keeps_nothing() throws Exception {
        start("spam-rejected");
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: buy now\r\n\r\ncheap\r\n."))
                    .isEqualTo("554 5.7.1 Message rejected as spam by content filter");
            assertThat(smtp.command("RSET")).isEqualTo("250 2.0.0 Ok");
        }
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void slow_delays_the_greeting_and_every_reply() throws Exception {
        start("slow:delay=300ms");
        long started = System.nanoTime();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).startsWith("220");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            long before = System.nanoTime();
            assertThat(smtp.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void flaky_fails_the_same_commands_for_the_same_seed_every_run() throws Exception {
        List<String> first = flakyRun("flaky:probability=0.5;seed=7");
        List<String> second = flakyRun("flaky:probability=0.5;seed=7");
        assertThat(first).isEqualTo(second);
        assertThat(first).contains("451 4.3.0 Temporary server error, please try again later").contains("250 2.1.0 Ok");
        assertThat(flakyRun("flaky:probability=0.5;seed=8")).isNotEqualTo(first);
    }

    private List<String> flakyRun(String preset) throws Exception {
        start(preset);
        List<String> replies = new ArrayList<>();
        try (RawSmtp smtp = greeted()) {
            for (int i = 0; i < 20; i++) {
                String reply = smtp.command("MAIL FROM:<alice@example.test>");
                replies.add(reply);
                smtp.command("RSET");
            }
        } finally {
            server.stop();
        }
        return replies;
    }

    @Test
    void drop_during_data_resets_the_connection_while_the_message_is_sent() throws Exception {
        start("drop-during-data:after=10");
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            assertThat(smtp.command("DATA")).startsWith("354");
            smtp.send("Subject: lost\r\n\r\n" + "x".repeat(100) + "\r\n.\r\n");
            assertThatThrownBy(smtp::reply).isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("reset");
        }
        RecordedSession session = server.awaitSession(s -> s.ended().isPresent(), WAIT);
        assertThat(session.outcome()).isEqualTo(SessionOutcome.DROPPED);
        assertThat(session.outcomeDetail()).isEqualTo("rule drop-during-data reset the connection during the message, after 10 octets");
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void unknown_preset_or_parameter_is_refused_with_the_choices() {
        assertThatThrownBy(() -> Scenario.builder().preset("greylisting"))
                .hasMessageStartingWith("unknown preset \"greylisting\": use one of blocked, refused, silent,");
        assertThatThrownBy(() -> Scenario.builder().preset("greylist:retry=5s"))
                .hasMessage("preset greylist has no parameter \"retry\"");
        assertThatThrownBy(() -> Scenario.builder().preset("greylist:retry-after=soon"))
                .hasMessage("preset greylist: retry-after: \"soon\" is not a duration: write it like 5s, 250ms or 2m");
        assertThatThrownBy(() -> Scenario.builder().preset("flaky:probability=2"))
                .hasMessage("preset flaky: probability: \"2\" is not between 0 and 1");
    }
}
