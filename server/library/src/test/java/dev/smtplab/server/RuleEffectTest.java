package dev.smtplab.server;

import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.scenario.Effect;
import dev.smtplab.server.scenario.Match;
import dev.smtplab.server.scenario.Rule;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.Schedule;
import dev.smtplab.server.scenario.SmtpReply;
import dev.smtplab.server.scenario.SmtpStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each effect, each schedule and each kind of match, end to end through the Java API. */
class RuleEffectTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final SmtpReply NO = SmtpReply.of(550, "5.7.1", "No");
    private FakeSmtpServer server;

    private void start(Rule... rules) {
        server = FakeSmtpServer.builder().scenario(Scenario.builder().rules(List.of(rules)).build()).build().start();
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
        return smtp;
    }

    private RecordedSession ended() throws InterruptedException {
        return server.awaitSession(s -> s.ended().isPresent(), WAIT);
    }

    @Test
    void reply_effect_sends_a_multi_line_reply_with_the_enhanced_code_on_every_line() throws Exception {
        start(Rule.at("two-lines", SmtpStage.HELO, new Effect.Reply(
                new SmtpReply(421, "4.3.2", List.of("Server busy", "Come back in five minutes")))));
        try (RawSmtp smtp = greeted()) {
            assertThat(smtp.command("EHLO client.test"))
                    .isEqualTo("421-4.3.2 Server busy\r\n421 4.3.2 Come back in five minutes");
            assertThat(smtp.command("NOOP")).as("a reply effect does not close").isEqualTo("250 2.0.0 Ok");
        }
        assertThat(ended().transcriptText()).contains("-- rule two-lines fired at helo: reply 421-4.3.2 Server busy / 421 4.3.2 Come back in five minutes\n");
    }

    @Test
    void reply_and_close_answers_then_closes() throws Exception {
        start(Rule.at("bye", SmtpStage.MAIL, new Effect.ReplyAndClose(SmtpReply.of(421, "4.7.0", "Closing, bye"))));
        try (RawSmtp smtp = greeted()) {
            assertThat(smtp.command("MAIL FROM:<a@example.test>")).isEqualTo("421 4.7.0 Closing, bye");
            assertThat(smtp.closedByServer()).isTrue();
        }
        RecordedSession session = ended();
        assertThat(session.outcome()).isEqualTo(SessionOutcome.DROPPED);
        assertThat(session.outcomeDetail()).isEqualTo("rule bye replied 421 at MAIL and closed the connection");
    }

    @Test
    void reset_closes_with_a_tcp_reset() throws Exception {
        start(Rule.at("rst", SmtpStage.RCPT, new Effect.Reset()));
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.send("RCPT TO:<b@example.test>\r\n");
            assertThatThrownBy(smtp::reply).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
        assertThat(ended().outcomeDetail()).isEqualTo("rule rst reset the connection at RCPT");
    }

    @Test
    void delay_answers_late_then_carries_on() throws Exception {
        start(Rule.at("late", SmtpStage.NOOP, new Effect.Delay(Duration.ofMillis(400))));
        try (RawSmtp smtp = greeted()) {
            long started = System.nanoTime();
            assertThat(smtp.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void silence_never_answers_until_the_client_gives_up() throws Exception {
        start(Rule.at("mute", SmtpStage.DATA, new Effect.Silence()));
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.replyTimeout(Duration.ofSeconds(1));
            smtp.send("DATA\r\n");
            assertThatThrownBy(smtp::reply).isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(ended().outcomeDetail()).isEqualTo("rule mute stopped answering at DATA");
    }

    @Test
    void throttle_slows_every_later_reply() throws Exception {
        start(Rule.at("trickle", SmtpStage.HELO, new Effect.Throttle(40)));
        try (RawSmtp smtp = greeted()) {
            long started = System.nanoTime();
            String reply = smtp.command("EHLO client.test");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(reply).startsWith("250-localhost");
            // about 70 bytes at 40 bytes/s
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1_200));
        }
    }

    @Test
    void discard_answers_250_and_keeps_nothing() throws Exception {
        start(Rule.at("black-hole", SmtpStage.MESSAGE, new Effect.Discard()));
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: gone\r\n\r\nbody\r\n.")).isEqualTo("250 2.0.0 Ok: queued");
            smtp.command("QUIT");
        }
        assertThat(ended().transcriptText()).contains("-- rule black-hole fired at message: accept and discard the message");
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void first_n_fires_for_the_first_matches_only() throws Exception {
        start(Rule.at("twice", SmtpStage.NOOP, new Effect.Reply(NO)).on(new Schedule.FirstN(2)));
        assertThat(noopReplies(4)).containsExactly("550 5.7.1 No", "550 5.7.1 No", "250 2.0.0 Ok", "250 2.0.0 Ok");
    }

    @Test
    void every_nth_fires_on_every_nth_match() throws Exception {
        start(Rule.at("third", SmtpStage.NOOP, new Effect.Reply(NO)).on(new Schedule.EveryNth(3)));
        assertThat(noopReplies(6)).containsExactly("250 2.0.0 Ok", "250 2.0.0 Ok", "550 5.7.1 No", "250 2.0.0 Ok", "250 2.0.0 Ok", "550 5.7.1 No");
    }

    @Test
    void rule_expires_after_its_uses() throws Exception {
        start(Rule.at("once", SmtpStage.NOOP, new Effect.Reply(NO)).expiringAfter(1));
        assertThat(noopReplies(3)).containsExactly("550 5.7.1 No", "250 2.0.0 Ok", "250 2.0.0 Ok");
    }

    @Test
    void seeded_probability_gives_the_same_sequence_on_every_run() throws Exception {
        Rule coin = Rule.at("coin", SmtpStage.NOOP, new Effect.Reply(NO)).on(new Schedule.Probability(0.5, 42));
        start(coin);
        List<String> first = noopReplies(30);
        server.stop();
        start(coin);
        assertThat(noopReplies(30)).isEqualTo(first);
        assertThat(first).contains("550 5.7.1 No", "250 2.0.0 Ok");
    }

    @Test
    void any_command_stage_applies_to_every_command() throws Exception {
        start(Rule.at("all", SmtpStage.ANY_COMMAND, new Effect.Reply(SmtpReply.of(421, "4.3.2", "Maintenance")))
                .when(new Match.Verb(List.of("NOOP", "VRFY"))));
        try (RawSmtp smtp = greeted()) {
            assertThat(smtp.command("NOOP")).isEqualTo("421 4.3.2 Maintenance");
            assertThat(smtp.command("VRFY bob")).isEqualTo("421 4.3.2 Maintenance");
            assertThat(smtp.command("RSET")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void matches_on_argument_helo_client_and_sender_domain() throws Exception {
        start(Rule.at("helo", SmtpStage.HELO, new Effect.Reply(SmtpReply.of(550, "5.7.1", "Bad HELO")))
                        .when(new Match.Helo(Match.TextPattern.glob("*.bad.test"))),
                Rule.at("sender", SmtpStage.MAIL, new Effect.Reply(SmtpReply.of(550, "5.7.1", "Sender {address} blocked")))
                        .when(new Match.AllOf(List.of(new Match.SenderDomain(List.of("blocked.test")),
                                new Match.Client(Match.Cidr.parse("127.0.0.0/8"))))),
                Rule.at("vrfy", SmtpStage.VRFY, new Effect.Reply(SmtpReply.of(252, null, "Cannot verify")))
                        .when(new Match.Argument(Match.TextPattern.regex("[a-z]+"))));
        try (RawSmtp smtp = greeted()) {
            assertThat(smtp.command("EHLO host.bad.test")).isEqualTo("550 5.7.1 Bad HELO");
            assertThat(smtp.command("EHLO host.good.test")).startsWith("250-");
            assertThat(smtp.command("MAIL FROM:<a@blocked.test>")).isEqualTo("550 5.7.1 Sender a@blocked.test blocked");
            assertThat(smtp.command("VRFY bob")).isEqualTo("252 Cannot verify");
            assertThat(smtp.command("VRFY Bob1")).doesNotStartWith("252 Cannot verify");
        }
    }

    @Test
    void matches_on_message_size_and_header_at_the_message_stage() throws Exception {
        start(Rule.at("spam-header", SmtpStage.MESSAGE, new Effect.Reply(SmtpReply.of(554, "5.7.1", "Spam")))
                        .when(new Match.Header("X-Spam-Flag", Match.TextPattern.glob("yes"))),
                Rule.at("big", SmtpStage.MESSAGE, new Effect.Reply(SmtpReply.of(552, "5.3.4", "Too big")))
                        .when(new Match.Size(1000, Long.MAX_VALUE)));
        try (RawSmtp smtp = greeted()) {
            assertThat(send(smtp, "X-Spam-Flag: YES\r\nSubject: a\r\n\r\nbody")).isEqualTo("554 5.7.1 Spam");
            assertThat(send(smtp, "Subject: b\r\n\r\n" + "x".repeat(1000))).isEqualTo("552 5.3.4 Too big");
            assertThat(send(smtp, "Subject: c\r\n\r\nfine")).startsWith("250 2.0.0 Ok: queued as");
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void a_catastrophic_regular_expression_answers_at_once() throws Exception {
        // (.*a){20}$ backtracks for ever in java.util.regex on 39 a's and a b; RE2/J is linear.
        start(Rule.at("slow", SmtpStage.RCPT, new Effect.Reply(SmtpReply.of(550, "5.1.1", "No")))
                .when(new Match.Recipient(Match.TextPattern.regex("(.*a){20}$"))));
        try (RawSmtp smtp = greeted()) {
            smtp.replyTimeout(java.time.Duration.ofSeconds(5));
            smtp.command("MAIL FROM:<a@example.test>");
            assertThat(smtp.command("RCPT TO:<" + "a".repeat(39) + "b@x.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("RCPT TO:<" + "a".repeat(20) + "@ex.sa>")).isEqualTo("550 5.1.1 No");
        }
    }

    @Test
    void a_refused_message_ends_its_transaction_so_the_next_mail_starts_a_new_one() throws Exception {
        start(Rule.at("spam-header", SmtpStage.MESSAGE, new Effect.Reply(SmtpReply.of(554, "5.7.1", "Spam")))
                .when(new Match.Header("X-Spam-Flag", Match.TextPattern.glob("yes"))));
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.command("DATA");
            assertThat(smtp.command("X-Spam-Flag: yes\r\n\r\nbody\r\n.")).isEqualTo("554 5.7.1 Spam");
            assertThat(smtp.command("RCPT TO:<c@example.test>")).as("no transaction is left open")
                    .isEqualTo("503 5.5.1 Error: need MAIL command");
            assertThat(smtp.command("MAIL FROM:<a@example.test>")).isEqualTo("250 2.1.0 Ok");
        }
    }

    @Test
    void scenario_swapped_at_runtime_applies_from_the_next_command() throws Exception {
        start();
        try (RawSmtp smtp = greeted()) {
            assertThat(smtp.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            server.setScenario(Scenario.builder().rule(Rule.at("now", SmtpStage.NOOP, new Effect.Reply(NO))).build());
            assertThat(smtp.command("NOOP")).isEqualTo("550 5.7.1 No");
            server.setScenario(Scenario.none());
            assertThat(smtp.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void magic_addresses_reject_tempfail_and_delay() throws Exception {
        start();
        try (RawSmtp smtp = greeted()) {
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<alice@example.test>");
            assertThat(smtp.command("RCPT TO:<reject-550-5.1.1@example.test>"))
                    .isEqualTo("550 5.1.1 <reject-550-5.1.1@example.test>: rejected as its magic local part asks");
            assertThat(smtp.command("RCPT TO:<reject-452@any.test>"))
                    .isEqualTo("452 4.0.0 <reject-452@any.test>: rejected as its magic local part asks");
            assertThat(smtp.command("RCPT TO:<tempfail-451@example.test>")).isEqualTo(
                    "451 4.0.0 <tempfail-451@example.test>: failed once as its magic local part asks; try again");
            assertThat(smtp.command("RCPT TO:<tempfail-451@example.test>")).isEqualTo("250 2.1.5 Ok");
            long started = System.nanoTime();
            assertThat(smtp.command("RCPT TO:<delay-1s@example.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            smtp.command("RSET");
            assertThat(smtp.command("MAIL FROM:<reject-553-5.1.7@example.test>")).startsWith("553 5.1.7 ");
        }
    }

    @Test
    void magic_addresses_can_be_turned_off() throws Exception {
        server = FakeSmtpServer.builder().scenario(Scenario.builder().magicAddresses(false).build()).build().start();
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            assertThat(smtp.command("RCPT TO:<reject-550@example.test>")).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void readme_java_example_works_as_written() throws Exception {
        Scenario scenario = Scenario.builder()
                .preset("greylist:retry-after=5s")
                .rule(Rule.at("no-bob", SmtpStage.RCPT, new Effect.Reply(SmtpReply.parse("550 5.1.1 User unknown")))
                        .when(new Match.Recipient(Match.TextPattern.glob("bob@*")))
                        .on(new Schedule.FirstN(2)))
                .build();
        server = FakeSmtpServer.builder().scenario(scenario).build().start();
        try (RawSmtp smtp = greeted()) {
            smtp.command("MAIL FROM:<alice@example.test>");
            assertThat(smtp.command("RCPT TO:<bob@example.test>")).as("custom rules come before presets")
                    .isEqualTo("550 5.1.1 User unknown");
            assertThat(smtp.command("RCPT TO:<carol@example.test>")).startsWith("451 4.7.1");
        }
        server.setScenario(Scenario.builder().preset("refused").build());
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", server.port()).close())
                .isInstanceOf(java.net.ConnectException.class);
        server.setScenario(Scenario.none());
        try (RawSmtp smtp = greeted()) {
            assertThat(smtp.command("QUIT")).startsWith("221");
        }
    }

    @Test
    void rules_are_checked_when_built() {
        assertThatThrownBy(() -> SmtpReply.parse("650 nope")).hasMessage("reply code 650 is not one a server sends: use 200 to 599");
        assertThatThrownBy(() -> SmtpReply.parse("550 4.1.1 mixed")).hasMessage(
                "enhanced status code 4.1.1 does not match reply code 550: both must start with the same digit");
        assertThatThrownBy(() -> Rule.at("x", SmtpStage.RCPT, new Effect.Discard()))
                .hasMessage("discard only works at the message stage");
        assertThatThrownBy(() -> Scenario.builder().rule(Rule.at("x", SmtpStage.NOOP, new Effect.Reset()))
                .rule(Rule.at("x", SmtpStage.RSET, new Effect.Reset())).build())
                .hasMessage("two rules have the id \"x\": ids must be unique");
    }

    private List<String> noopReplies(int count) throws IOException {
        List<String> replies = new ArrayList<>();
        try (RawSmtp smtp = greeted()) {
            for (int i = 0; i < count; i++) {
                replies.add(smtp.command("NOOP"));
            }
        }
        return replies;
    }

    private static String send(RawSmtp smtp, String message) throws IOException {
        smtp.command("MAIL FROM:<a@example.test>");
        smtp.command("RCPT TO:<b@example.test>");
        smtp.command("DATA");
        String reply = smtp.command(message + "\r\n.");
        smtp.command("RSET");
        return reply;
    }
}
