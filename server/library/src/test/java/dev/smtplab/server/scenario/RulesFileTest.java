package dev.smtplab.server.scenario;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RulesFileTest {

    private static Scenario parse(String yaml) {
        return RulesFile.parse(new StringReader(yaml), "rules.yaml");
    }

    private static void assertMistake(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(RulesFile.InvalidRulesException.class).hasMessage(message);
    }

    @Test
    void reads_every_part_of_a_scenario() {
        Scenario scenario = parse("""
                connection: normal
                limits:
                  connections-per-client: 2
                  connections-per-minute: 30
                magic-addresses: false
                presets:
                  - greylist:retry-after=5s
                rules:
                  - id: no-bob
                    stage: rcpt
                    match:
                      recipient: "bob@*"
                      client: 127.0.0.0/8
                    schedule: { first: 2 }
                    uses: 5
                    effect:
                      reply: "550 5.1.1 <{address}>: User unknown"
                  - id: slow-data
                    stage: data
                    schedule: { probability: 0.25, seed: 9 }
                    effect: { delay: 250ms }
                  - id: banner
                    stage: connect
                    effect:
                      reply-and-close:
                        - 554 5.7.1 Go away
                        - We mean it
                """);
        assertThat(scenario.maxConnectionsPerClient()).isEqualTo(2);
        assertThat(scenario.maxConnectionsPerMinute()).isEqualTo(30);
        assertThat(scenario.magicAddresses()).isFalse();
        assertThat(scenario.rules()).extracting(Rule::id).containsExactly("no-bob", "slow-data", "banner", "greylist");
        Rule noBob = scenario.rules().get(0);
        assertThat(noBob.stage()).isEqualTo(SmtpStage.RCPT);
        assertThat(noBob.schedule()).isEqualTo(new Schedule.FirstN(2));
        assertThat(noBob.maxUses()).isEqualTo(5);
        assertThat(noBob.effect()).isEqualTo(new Effect.Reply(SmtpReply.of(550, "5.1.1", "<{address}>: User unknown")));
        assertThat(noBob.match()).isEqualTo(new Match.AllOf(List.of(new Match.Recipient(Match.TextPattern.glob("bob@*")),
                new Match.Client(Match.Cidr.parse("127.0.0.0/8")))));
        assertThat(scenario.rules().get(1).effect()).isEqualTo(new Effect.Delay(Duration.ofMillis(250)));
        assertThat(scenario.rules().get(2).effect()).isEqualTo(new Effect.ReplyAndClose(
                new SmtpReply(554, "5.7.1", List.of("Go away", "We mean it"))));
    }

    @Test
    void an_empty_file_is_no_failures() {
        assertThat(parse("")).isEqualTo(Scenario.none());
    }

    @Test
    void bounce_and_delay_notice_read_with_their_defaults_and_name_their_mistakes() {
        Scenario scenario = parse("""
                rules:
                  - { id: b, stage: rcpt, effect: { bounce: true } }
                  - { id: d, stage: message, effect: { delay-notice: { after: 2m } } }
                  - { id: c, stage: rcpt, effect: { bounce: { reply: "552 5.2.2 <{address}>: Mailbox full", after: 1s } } }
                """);
        assertThat(scenario.rules().get(0).effect()).isEqualTo(new Effect.Bounce(Effect.Bounce.DEFAULT_REPLY,
                Duration.ofSeconds(5)));
        assertThat(scenario.rules().get(1).effect()).isEqualTo(new Effect.DelayNotice(Effect.DelayNotice.DEFAULT_REPLY,
                Duration.ofMinutes(2)));
        assertThat(scenario.rules().get(2).effect().describe()).isEqualTo("accept, then bounce after 1000 ms: 552 5.2.2 "
                + "<{address}>: Mailbox full");
        assertMistake("rules: [{ id: b, stage: rcpt, effect: { bounce: { reply: \"250 fine\" } } }]\n",
                "rules file rules.yaml: rule 1 (id \"b\"): effect.bounce: a bounce's reply is a failure (4xx or 5xx), "
                        + "got 250");
        assertMistake("rules: [{ id: d, stage: rcpt, effect: { delay-notice: { reply: \"550 5.1.1 no\" } } }]\n",
                "rules file rules.yaml: rule 1 (id \"d\"): effect.delay-notice: a delay notice's reply is a temporary "
                        + "failure (4xx), got 550");
        assertMistake("rules: [{ id: b, stage: rcpt, effect: { bounce: { after: 25h } } }]\n",
                "rules file rules.yaml: rule 1 (id \"b\"): effect.bounce.after: \"25h\" is longer than a day");
        assertMistake("rules: [{ id: b, stage: rcpt, effect: { bounce: { when: later } } }]\n",
                "rules file rules.yaml: rule 1 (id \"b\"): effect.bounce.when: unknown field; use after, reply");
    }

    @Test
    void mistakes_name_the_rule_and_the_field() {
        assertMistake("""
                rules:
                  - id: ok
                    stage: rcpt
                    effect: { reply: "550 5.1.1 no" }
                  - id: broken
                    stage: rcpt
                    effect: { reply: "650 5.1.1 no" }
                """, "rules file rules.yaml: rule 2 (id \"broken\"): effect.reply: "
                + "reply code 650 is not one a server sends: use 200 to 599");
        assertMistake("""
                rules:
                  - stage: rctp
                    effect: { reset: true }
                """, "rules file rules.yaml: rule 1: stage: \"rctp\" is not a stage; use one of connect, helo, "
                + "starttls, auth, mail, rcpt, data, message, rset, noop, vrfy, quit, any-command");
        assertMistake("""
                rules:
                  - id: a
                    stage: mail
                    match: { sender-domian: x.test }
                    effect: { reset: true }
                """, "rules file rules.yaml: rule 1 (id \"a\"): match.sender-domian: unknown field; use argument, "
                + "argument-regex, sender, sender-regex, sender-domain, sender-invalid, recipient, recipient-regex, "
                + "recipient-domain, recipient-local, helo, helo-regex, client, auth-user, unauthenticated, verb, "
                + "size-at-least, size-at-most, header, not, any-of, all-of, anything");
        assertMistake("""
                rules:
                  - id: a
                    stage: rcpt
                    match: { recipient-regex: "(a)\\\\1" }
                    effect: { reset: true }
                """, "rules file rules.yaml: rule 1 (id \"a\"): match.recipient-regex: not a valid regular expression "
                + "(RE2 syntax: no backreferences or lookaround): invalid escape sequence");
        assertMistake("""
                rules:
                  - id: a
                    stage: mail
                    effect: { reset: true, delay: 1s }
                """, "rules file rules.yaml: rule 1 (id \"a\"): effect: give exactly one of reply, reply-and-close, "
                + "reset, delay, silence, throttle, discard, drop-mid-message, fail-tls-handshake, bounce, delay-notice (got 2)");
        assertMistake("""
                rules:
                  - id: a
                    stage: mail
                    schedule: { probability: 1.5 }
                    effect: { reset: true }
                """, "rules file rules.yaml: rule 1 (id \"a\"): schedule.probability: "
                + "probability must be between 0 and 1, got 1.5");
        assertMistake("""
                rules:
                  - id: a
                    stage: mail
                    match: { client: 10.0.0.0/33 }
                    effect: { reset: true }
                """, "rules file rules.yaml: rule 1 (id \"a\"): match.client: \"10.0.0.0/33\": the prefix length must be 0 to 32");
        assertMistake("""
                rules:
                  - id: a
                    stage: rcpt
                    effect: { discard: true }
                """, "rules file rules.yaml: rule 1 (id \"a\"): discard only works at the message stage");
        assertMistake("""
                rules:
                  - id: a
                    stage: rcpt
                """, "rules file rules.yaml: rule 1 (id \"a\"): effect: missing; use one of reply, reply-and-close, "
                + "reset, delay, silence, throttle, discard, drop-mid-message, fail-tls-handshake, bounce, delay-notice");
        assertMistake("connection: sideways", "rules file rules.yaml: connection: \"sideways\" is not a connection "
                + "mode: use normal, blocked, refused or silent");
        assertMistake("presets: [greylisting]", "rules file rules.yaml: presets[1]: unknown preset \"greylisting\": "
                + "use one of blocked, refused, silent, reject-connection, invalid-sender, unknown-recipient, "
                + "relay-denied, mailbox-full, greylist, rate-limit, auth-required, message-too-big, spam-rejected, "
                + "slow, flaky, starttls-refused, tls-handshake-failure, auth-refused, auth-tempfail, bounce-later, soft-bounce-later, drop-during-data");
        assertMistake("rules: {stage: rcpt}", "rules file rules.yaml: rules: expected a list (lines starting with "
                + "\"- \"), got fields");
    }

    @Test
    void yaml_syntax_errors_give_the_line() {
        assertMistake("rules:\n  - id: a\n    stage: [rcpt\n", "rules file rules.yaml: line 4: not valid YAML: "
                + "expected ',' or ']', but got <stream end>");
    }

    @Test
    void inboxes_come_with_their_routes_ports_and_own_failure_modes() {
        RulesFile.Contents contents = RulesFile.parseContents(new StringReader("""
                presets: [greylist]
                inboxes:
                  - name: team-a
                    routes: ["rcpt:*@team-a.test", "auth:team-a-*"]
                  - name: qa
                    port: 2526
                    presets: [unknown-recipient]
                """), "rules.yaml");

        assertThat(contents.scenario().presets()).containsExactly("greylist");
        assertThat(contents.inboxes()).extracting(dev.smtplab.server.inbox.Inbox::name).containsExactly("team-a", "qa");
        assertThat(contents.inboxes().get(0).routes()).extracting(Object::toString)
                .containsExactly("rcpt:*@team-a.test", "auth:team-a-*");
        assertThat(contents.inboxes().get(0).scenario()).as("follows the server's").isEmpty();
        assertThat(contents.inboxes().get(1).scenario().orElseThrow().presets()).containsExactly("unknown-recipient");
        assertThat(contents.inboxPorts()).containsExactly(java.util.Map.entry("qa", 2526));
        assertThat(parse("inboxes: []")).isEqualTo(Scenario.none());
    }

    @Test
    void inbox_mistakes_name_the_inbox_and_the_field() {
        assertMistake("inboxes: [{routes: [\"rcpt:x.test\"]}]", "rules file rules.yaml: inboxes[1]: name: missing");
        assertMistake("inboxes: [{name: \"a b\"}]", "rules file rules.yaml: inboxes[1] (a b): inbox name \"a b\": "
                + "use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)");
        assertMistake("inboxes: [{name: a, routes: [\"to:x\"]}]", "rules file rules.yaml: inboxes[1] (a): routes[1]: "
                + "route \"to:x\": \"to\" is not a kind of route; use rcpt or auth");
        assertMistake("inboxes: [{name: a, port: 70000}]", "rules file rules.yaml: inboxes[1] (a): port: expected a "
                + "port from 0 (a free one) to 65535, got \"70000\"");
        assertMistake("inboxes: [{name: a}, {name: a}]", "rules file rules.yaml: inboxes[2] (a): name: inbox \"a\" is "
                + "defined twice");
        assertMistake("inboxes: [{name: default}]", "rules file rules.yaml: inboxes[1] (default): name: \"default\" is "
                + "where mail no inbox takes goes; give another name");
        assertMistake("inboxes: [{name: a, colour: red}]", "rules file rules.yaml: inboxes[1] (a): colour: unknown field; use "
                + "connection, limits, magic-addresses, name, personality, port, presets, routes, rules");
        assertThatThrownBy(() -> parse("inboxes: [{name: a, presets: [nope]}]"))
                .hasMessageStartingWith("rules file rules.yaml: inboxes[1] (a): presets[1]: unknown preset \"nope\"");
    }
}
