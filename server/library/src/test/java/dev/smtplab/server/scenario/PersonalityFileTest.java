package dev.smtplab.server.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.StringReader;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The rules file's personality: a built-in one by name or one written out, read back equal, and each mistake named. */
class PersonalityFileTest {
    static List<String> builtIn() {
        return Personality.BUILT_IN;
    }

    private static Scenario parse(String yaml) {
        return RulesFile.parse(new StringReader(yaml), "rules.yaml");
    }

    private static void assertMistake(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(RulesFile.InvalidRulesException.class).hasMessage(message);
    }

    @ParameterizedTest
    @MethodSource("builtIn")
    void every_built_in_personality_words_every_reply_and_reads_back_by_its_name(String name) {
        Personality personality = Personality.builtIn(name);
        assertThat(personality.name()).isEqualTo(name);
        assertThat(personality.replies().keySet()).containsExactlyInAnyOrder(Personality.Reply.values());
        assertThat(personality.greeting()).startsWith("220 {hostname} ").contains("ESMTP");
        assertThat(personality.ehlo().get(0)).startsWith("{hostname}");
        Scenario scenario = parse("personality: " + name + "\n");
        assertThat(scenario.personality()).contains(personality);
        assertThat(RulesWriter.yaml(scenario)).isEqualTo("personality: " + name + "\n");
        assertThat(parse(RulesWriter.yaml(scenario))).isEqualTo(scenario);
    }

    @Test
    void a_personality_written_out_reads_back_equal_beside_rules() {
        Scenario scenario = parse("""
                personality:
                  name: recorded
                  hostname: mx.example.test
                  greeting: "220 {hostname} ESMTP ready"
                  ehlo: ["{hostname} hello", PIPELINING, "SIZE 1000", STARTTLS]
                  ehlo-over-tls: ["{hostname} hello", PIPELINING, "AUTH PLAIN"]
                  timing: { connect: 120ms, rcpt: 2s }
                  replies:
                    mail: "250 2.1.0 Sender <{address}> ok"
                    message: "250 2.0.0 queued as {id}"
                rules:
                  - id: nobody
                    stage: rcpt
                    match: { recipient: nobody@example.test }
                    effect: { reply: "550 5.1.1 no such user" }
                """);
        Personality personality = scenario.personality().orElseThrow();
        assertThat(personality.hostName()).isEqualTo("mx.example.test");
        assertThat(personality.ehlo()).containsExactly("{hostname} hello", "PIPELINING", "SIZE 1000", "STARTTLS");
        assertThat(personality.ehloOverTls()).containsExactly("{hostname} hello", "PIPELINING", "AUTH PLAIN");
        assertThat(personality.timing()).containsEntry(SmtpStage.CONNECT, java.time.Duration.ofMillis(120))
                .containsEntry(SmtpStage.RCPT, java.time.Duration.ofSeconds(2));
        assertThat(personality.timingRules()).extracting(Rule::id).containsExactly("timing-connect", "timing-rcpt");
        assertThat(personality.replies()).containsEntry(Personality.Reply.MAIL, "250 2.1.0 Sender <{address}> ok");
        assertThat(scenario.rules()).extracting(Rule::id).containsExactly("nobody");
        assertThat(parse(RulesWriter.yaml(scenario))).isEqualTo(scenario);
        assertThat(scenario.withPersonality(null).personality()).isEmpty();
    }

    @Test
    void each_mistake_is_named_and_nothing_half_read_is_used() {
        assertMistake("personality: qmail\n", "rules file rules.yaml: personality: \"qmail\" is not a built-in "
                + "personality: use one of postfix, exim, sendmail, gmail, microsoft365");
        assertMistake("personality: { greeting: \"220 hi\" }\n", "rules file rules.yaml: personality: name: missing");
        assertMistake("personality: { name: x, greeting: hello }\n", "rules file rules.yaml: personality: \"hello\" is "
                + "not a reply: write the code first, such as \"550 5.1.1 User unknown\"");
        assertMistake("personality: { name: x, replies: { mail: \"550 no\" } }\n", "rules file rules.yaml: "
                + "personality: replies.mail: \"550 no\" is not a 2xx reply, as mail is answered when it goes through");
        assertMistake("personality: { name: x, replies: { data: \"250 go\" } }\n", "rules file rules.yaml: "
                + "personality: replies.data: \"250 go\" is not a 3xx reply, as data is answered when it goes through");
        assertMistake("personality: { name: x, replies: { vrfy: \"250 ok\" } }\n", "rules file rules.yaml: "
                + "personality: replies.vrfy: not a reply a personality words; use one of helo, mail, rcpt, data, "
                + "message, rset, noop, quit, starttls, auth");
        assertMistake("personality: { name: x, ehlo: [\"\"] }\n", "rules file rules.yaml: personality: ehlo[1]: a line "
                + "of the EHLO reply without its \"250-\", such as \"PIPELINING\"");
        assertMistake("personality: { name: x, timing: { vrfy: 2ms } }\n", "rules file rules.yaml: personality: "
                + "timing.vrfy: not a stage with a reply to time; use one of connect, helo, starttls, auth, mail, rcpt, "
                + "data, message, rset, noop, quit");
        assertThat(catchThrowable(() -> parse("personality: { name: x, timing: { mail: soon } }\n")))
                .hasMessageStartingWith("rules file rules.yaml: personality: timing.mail: ");
        assertMistake("personality: { name: x, hostname: \"two words\" }\n", "rules file rules.yaml: personality: "
                + "hostname: \"two words\" is not a host name (one word, printable ASCII)");
        assertMistake("personality: { name: x, colour: red }\n", "rules file rules.yaml: personality: colour: unknown "
                + "field; use ehlo, ehlo-over-tls, greeting, hostname, name, replies, timing");
    }
}
