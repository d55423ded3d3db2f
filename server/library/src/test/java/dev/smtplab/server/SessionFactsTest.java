package dev.smtplab.server;

import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.Rejection;
import dev.smtplab.server.record.RuleFiring;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.scenario.Effect;
import dev.smtplab.server.scenario.Match;
import dev.smtplab.server.scenario.Rule;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.SmtpReply;
import dev.smtplab.server.scenario.SmtpStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Rejections, rule firings and outcomes are recorded as typed facts, not recovered from transcript text. */
class SessionFactsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private FakeSmtpServer server;

    private void start(FakeSmtpServer.Builder builder) {
        server = builder.build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private RecordedSession ended() throws InterruptedException {
        return server.awaitSession(s -> s.ended().isPresent(), WAIT);
    }

    @Test
    void each_rejection_is_recorded_with_the_stage_it_answered() throws Exception {
        start(FakeSmtpServer.builder().maxMessageSize(100).scenario(Scenario.builder()
                .rule(Rule.at("no-bob", SmtpStage.RCPT, new Effect.Reply(SmtpReply.of(550, "5.1.1", "No bob")))
                        .when(new Match.Recipient(Match.TextPattern.glob("bob@*"))))
                .build()));
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("FROB");
            smtp.send("bad\rline\r\n");
            smtp.reply();
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            smtp.command("RCPT TO:<carol@example.test>");
            smtp.command("DATA");
            smtp.send("Subject: big\r\n\r\n" + "x".repeat(200) + "\r\n.\r\n");
            String afterContent = smtp.reply();
            assertThat(afterContent).startsWith("552 ");
            smtp.command("QUIT");
        }
        RecordedSession session = ended();
        assertThat(session.rejections()).extracting(Rejection::stage, Rejection::code).containsExactly(
                tuple(SmtpStage.ANY_COMMAND, 500),
                tuple(SmtpStage.ANY_COMMAND, 500),
                tuple(SmtpStage.RCPT, 550),
                tuple(SmtpStage.MESSAGE, 552));
        assertThat(session.rejections().get(2).reply()).isEqualTo("550 5.1.1 No bob");
        assertThat(session.lastRejection()).get().extracting(Rejection::code).isEqualTo(552);
        assertThat(session.rulesFired()).extracting(RuleFiring::ruleId, RuleFiring::stage)
                .containsExactly(tuple("no-bob", SmtpStage.RCPT));
    }

    @Test
    void a_refused_greeting_is_a_rejection_at_connect() throws Exception {
        start(FakeSmtpServer.builder().scenario(Scenario.builder()
                .rule(Rule.at("closed", SmtpStage.CONNECT, new Effect.Reply(SmtpReply.of(554, "5.7.1", "Go away"))))
                .build()));
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).isEqualTo("554 5.7.1 Go away");
        }
        RecordedSession session = ended();
        assertThat(session.outcome()).isEqualTo(SessionOutcome.REJECTED);
        assertThat(session.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.stage()).isEqualTo(SmtpStage.CONNECT);
            assertThat(rejection.isTransient()).isFalse();
        });
        assertThat(session.rulesFired()).singleElement().satisfies(firing -> {
            assertThat(firing.ruleId()).isEqualTo("closed");
            assertThat(firing.stage()).isEqualTo(SmtpStage.CONNECT);
            assertThat(firing.effect()).contains("554");
        });
    }

    @Test
    void the_reply_after_the_last_bdat_chunk_is_the_message_stage() throws Exception {
        start(FakeSmtpServer.builder().scenario(Scenario.builder()
                .rule(Rule.at("spam", SmtpStage.MESSAGE, new Effect.Reply(SmtpReply.of(554, "5.7.1", "Spam"))))
                .build()));
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.send("BDAT 9\r\nSubject: ");
            assertThat(smtp.reply()).startsWith("250");
            smtp.send("BDAT 9 LAST\r\nx\r\n\r\nhi\r\n");
            assertThat(smtp.reply()).startsWith("554");
            smtp.command("QUIT");
        }
        assertThat(ended().rejections()).extracting(Rejection::stage, Rejection::code)
                .containsExactly(tuple(SmtpStage.MESSAGE, 554));
    }

    @Test
    void auth_answers_to_334_keep_the_auth_stage() throws Exception {
        start(FakeSmtpServer.builder().authUser("alice", "s3cret").allowPlaintextAuth());
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertThat(smtp.command("AUTH LOGIN")).startsWith("334");
            assertThat(smtp.command("YWxpY2U=")).startsWith("334");
            assertThat(smtp.command("d3Jvbmc=")).startsWith("535");
            smtp.command("QUIT");
        }
        assertThat(ended().rejections()).extracting(Rejection::stage, Rejection::code)
                .containsExactly(tuple(SmtpStage.AUTH, 535));
    }

    @Test
    void a_rule_whose_reply_says_timeout_does_not_make_the_session_timed_out() throws Exception {
        start(FakeSmtpServer.builder().scenario(Scenario.builder()
                .rule(Rule.at("fake-timeout", SmtpStage.MAIL,
                        new Effect.ReplyAndClose(SmtpReply.of(421, "4.4.2", "Timeout exceeded"))))
                .build()));
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertThat(smtp.command("MAIL FROM:<a@example.test>")).isEqualTo("421 4.4.2 Timeout exceeded");
            assertThat(smtp.reply()).isNull();
        }
        RecordedSession session = ended();
        assertThat(session.outcome()).isEqualTo(SessionOutcome.DROPPED);
        assertThat(session.outcomeDetail()).isEqualTo("rule fake-timeout replied 421 at MAIL and closed the connection");
    }

    @Test
    void a_client_silent_past_the_idle_timeout_is_timed_out_and_its_421_is_recorded() throws Exception {
        start(FakeSmtpServer.builder().idleTimeout(Duration.ofSeconds(1)));
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertThat(smtp.reply()).startsWith("421");
        }
        RecordedSession session = ended();
        assertThat(session.outcome()).isEqualTo(SessionOutcome.TIMED_OUT);
        assertThat(session.rejections()).extracting(Rejection::code).containsExactly(421);
    }

    @Test
    void a_rejection_knows_its_last_line_and_whether_it_is_transient() {
        Rejection rejection = new Rejection(Instant.EPOCH, SmtpStage.RCPT, 450,
                "450-4.2.0 Busy\r\n450 4.2.0 try later");
        assertThat(rejection.lastLine()).isEqualTo("450 4.2.0 try later");
        assertThat(rejection.isTransient()).isTrue();
        assertThatThrownBy(
                () -> new Rejection(Instant.EPOCH, SmtpStage.RCPT, 250, "250 Ok"))
                .hasMessage("a rejection has a 4xx or 5xx code, got 250");
    }

    @Test
    void the_outcome_names_who_closed_the_session_and_where_at_every_stage() throws Exception {
        start(FakeSmtpServer.builder()
                .responder(context -> context.stage() == SmtpStage.RCPT
                        ? Optional.of(new Effect.ReplyAndClose(SmtpReply.of(421, "4.3.0", "Tenant over quota")))
                        : Optional.empty())
                .scenario(Scenario.builder()
                        .rule(Rule.at("gone", SmtpStage.CONNECT, new Effect.ReplyAndClose(SmtpReply.of(421, "4.3.2", "Bye")))
                                .expiringAfter(1))
                        .build()));
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).isEqualTo("421 4.3.2 Bye");
        }
        RecordedSession first = ended();
        assertThat(first.outcome()).isEqualTo(SessionOutcome.REJECTED);
        assertThat(first.outcomeDetail()).isEqualTo("rule gone replied 421 before the greeting and closed the connection");
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            assertThat(smtp.command("RCPT TO:<b@example.test>")).isEqualTo("421 4.3.0 Tenant over quota");
        }
        RecordedSession second = server.awaitSession(s -> s.connectionIndex() == 2 && s.ended().isPresent(), WAIT);
        assertThat(second.outcomeDetail()).isEqualTo("the responder replied 421 at RCPT and closed the connection");
        assertThat(second.rulesFired()).extracting(RuleFiring::ruleId, RuleFiring::effect)
                .containsExactly(tuple("responder", "reply 421 4.3.0 Tenant over quota, then close"));
    }
}
