package dev.smtplab.server.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What RulesWriter writes, RulesFile reads back as an equal scenario: every preset, every field. */
class RulesRoundTripTest {

    static Stream<String> presets() {
        return Stream.concat(Presets.DESCRIPTIONS.keySet().stream(), Stream.of(
                "invalid-sender:addresses=bad@example.test;domains=spam.test",
                "unknown-recipient:addresses=nobody@example.test",
                "relay-denied:domains=example.test,example.org",
                "greylist:retry-after=5s", "rate-limit:per-minute=3;connections=2", "message-too-big:max=1KB",
                "slow:delay=250ms", "flaky:probability=0.5;seed=7", "drop-during-data:after=100"));
    }

    /** A new kind of effect, schedule or match cannot be added without its rules-file form. */
    @Test
    void the_tables_have_a_form_for_every_kind_of_effect_schedule_and_match() {
        assertThat(formTypes(RuleFields.EFFECTS)).containsExactlyInAnyOrder(Effect.class.getPermittedSubclasses());
        assertThat(formTypes(RuleFields.SCHEDULES)).containsExactlyInAnyOrder(Stream.of(
                Schedule.class.getPermittedSubclasses()).filter(type -> type != Schedule.Always.class).toArray(Class[]::new));
        assertThat(formTypes(RuleFields.MATCHES)).containsExactlyInAnyOrder(Match.class.getPermittedSubclasses());
        assertThat(RuleFields.keys(RuleFields.MATCHES)).doesNotHaveDuplicates();
    }

    private static <T> List<Class<?>> formTypes(List<RuleFields.Form<T>> forms) {
        return forms.stream().<Class<?>>map(RuleFields.Form::type).toList();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void a_preset_reads_back_equal(String preset) {
        Scenario scenario = Scenario.builder().preset(preset).build();
        assertThat(readBack(scenario)).isEqualTo(scenario);
    }

    /** The rules a preset expands to are writable too: the API shows them in the rules file's shape. */
    @ParameterizedTest
    @MethodSource("presets")
    void every_rule_a_preset_makes_reads_back_equal(String preset) {
        for (Rule rule : Scenario.builder().preset(preset).build().rules()) {
            assertThat(RulesFile.parseRule(RulesWriter.rule(rule))).isEqualTo(rule);
        }
    }

    @Test
    void every_field_reads_back_equal() {
        Scenario scenario = Scenario.builder()
                .connectionMode(ConnectionMode.SILENT)
                .maxConnectionsPerClient(4)
                .maxConnectionsPerMinute(9)
                .magicAddresses(false)
                .preset("greylist")
                .rule(rule("argument", SmtpStage.ANY_COMMAND, new Match.Argument(Match.TextPattern.glob("*x*"))))
                .rule(rule("argument-regex", SmtpStage.ANY_COMMAND,
                        new Match.Argument(Match.TextPattern.regex("FROM:<.*>"))))
                .rule(rule("verb", SmtpStage.ANY_COMMAND, new Match.Verb(List.of("VRFY", "EXPN"))))
                .rule(rule("sender", SmtpStage.MAIL, new Match.Sender(Match.TextPattern.glob("*@spam.test"))))
                .rule(rule("sender-regex", SmtpStage.MAIL, new Match.Sender(Match.TextPattern.regex("a+@b\\.test"))))
                .rule(rule("sender-domain", SmtpStage.MAIL, new Match.SenderDomain(List.of("a.test", "b.test"))))
                .rule(rule("sender-invalid", SmtpStage.MAIL, new Match.SenderInvalid()))
                .rule(rule("recipient", SmtpStage.RCPT, new Match.Recipient(Match.TextPattern.glob("bob@*"))))
                .rule(rule("recipient-regex", SmtpStage.RCPT, new Match.Recipient(Match.TextPattern.regex("b.b@.*"))))
                .rule(rule("recipient-domain", SmtpStage.RCPT, new Match.RecipientDomain(List.of("c.test"))))
                .rule(rule("recipient-local", SmtpStage.RCPT, new Match.RecipientLocal()))
                .rule(rule("helo", SmtpStage.HELO, new Match.Helo(Match.TextPattern.glob("*.internal"))))
                .rule(rule("helo-regex", SmtpStage.HELO, new Match.Helo(Match.TextPattern.regex("[a-z]+"))))
                .rule(rule("client", SmtpStage.CONNECT, new Match.Client(Match.Cidr.parse("192.0.2.0/24"))))
                .rule(rule("auth-user", SmtpStage.MAIL, new Match.AuthUser("alice")))
                .rule(rule("unauthenticated", SmtpStage.MAIL, new Match.Unauthenticated()))
                .rule(rule("size-both", SmtpStage.MESSAGE, new Match.Size(100, 2000)))
                .rule(rule("size-at-least", SmtpStage.MESSAGE, new Match.Size(100, Long.MAX_VALUE)))
                .rule(rule("size-at-most", SmtpStage.MESSAGE, new Match.Size(0, 2000)))
                .rule(rule("header", SmtpStage.MESSAGE, new Match.Header("X-Spam", Match.TextPattern.glob("yes*"))))
                .rule(rule("header-regex", SmtpStage.MESSAGE,
                        new Match.Header("Subject", Match.TextPattern.regex("(?i)win.*"))))
                .rule(rule("not", SmtpStage.RCPT, new Match.Not(new Match.RecipientLocal())))
                .rule(rule("any-of", SmtpStage.RCPT, new Match.AnyOf(List.of(new Match.RecipientLocal(),
                        new Match.Recipient(Match.TextPattern.glob("x@y.test"))))))
                .rule(rule("all-of-merged", SmtpStage.MAIL, new Match.AllOf(List.of(new Match.Unauthenticated(),
                        new Match.Sender(Match.TextPattern.glob("*@a.test"))))))
                .rule(rule("all-of-same-kind", SmtpStage.MAIL, new Match.AllOf(List.of(
                        new Match.Sender(Match.TextPattern.glob("*@a.test")),
                        new Match.Sender(Match.TextPattern.glob("x*"))))))
                .rule(rule("all-of-one", SmtpStage.MAIL, new Match.AllOf(List.of(new Match.Unauthenticated()))))
                .rule(Rule.at("first", SmtpStage.RCPT, new Effect.Reply(SmtpReply.of(451, "4.3.0", "later")))
                        .on(new Schedule.FirstN(2)).expiringAfter(3))
                .rule(Rule.at("every", SmtpStage.RCPT, new Effect.ReplyAndClose(SmtpReply.of(421, null, "bye")))
                        .on(new Schedule.EveryNth(3)))
                .rule(Rule.at("probability", SmtpStage.DATA, new Effect.Reset())
                        .on(new Schedule.Probability(0.25, 42)))
                .rule(Rule.at("greylist-schedule", SmtpStage.RCPT,
                        new Effect.Reply(SmtpReply.of(451, "4.7.1", "greylisted", "come back later")))
                        .on(new Schedule.Greylist(Duration.ofMillis(1500))))
                .rule(Rule.at("delay", SmtpStage.HELO, new Effect.Delay(Duration.ofMillis(250))))
                .rule(Rule.at("silence", SmtpStage.QUIT, new Effect.Silence()))
                .rule(Rule.at("throttle", SmtpStage.HELO, new Effect.Throttle(64)))
                .rule(Rule.at("fail-tls", SmtpStage.STARTTLS, new Effect.FailTlsHandshake()))
                .rule(Rule.at("drop", SmtpStage.DATA, new Effect.DropMidMessage(512)))
                .rule(Rule.at("discard", SmtpStage.MESSAGE, new Effect.Discard()))
                .rule(Rule.at("bounce", SmtpStage.RCPT, new Effect.Bounce(SmtpReply.of(550, "5.2.2", "<{address}>: full"),
                        Duration.ofSeconds(30))))
                .rule(Rule.at("delay-notice", SmtpStage.MESSAGE, new Effect.DelayNotice(
                        Effect.DelayNotice.DEFAULT_REPLY, Duration.ofMinutes(2))))
                .build();
        assertThat(readBack(scenario)).isEqualTo(scenario);
        assertThat(readBack(scenario).customRules()).containsExactlyElementsOf(scenario.customRules());
    }

    @Test
    void the_file_is_the_shape_people_write() {
        Scenario scenario = Scenario.builder()
                .rule(Rule.at("no-bob", SmtpStage.RCPT, new Effect.Reply(SmtpReply.parse("550 5.1.1 No such user")))
                        .when(new Match.Recipient(Match.TextPattern.glob("bob@*"))).on(new Schedule.FirstN(2)))
                .build();
        assertThat(RulesWriter.yaml(scenario)).isEqualTo("""
                rules:
                - id: no-bob
                  stage: rcpt
                  match:
                    recipient: bob@*
                  schedule:
                    first: 2
                  effect:
                    reply: 550 5.1.1 No such user
                """);
    }

    private static Rule rule(String id, SmtpStage stage, Match match) {
        return Rule.at(id, stage, new Effect.Reply(SmtpReply.of(550, "5.7.1", id))).when(match);
    }

    private static Scenario readBack(Scenario scenario) {
        return RulesFile.parse(new StringReader(RulesWriter.yaml(scenario)), "round trip");
    }
}
