package dev.smtplab.server.scenario;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class DryRunTest {
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    @Test
    void the_first_rule_that_decides_gives_the_reply() {
        Scenario scenario = Scenario.builder().preset("slow:delay=2s").preset("unknown-recipient:addresses=bob@example.test")
                .build();
        DryRun bob = DryRun.of(scenario, SmtpStage.RCPT, "bob@example.test", CLIENT);
        assertThat(bob.steps()).extracting(DryRun.Step::rule, DryRun.Step::decides).endsWith(tuple("unknown-recipient", true));
        assertThat(bob.outcome()).isEqualTo("rule unknown-recipient: reply 550 5.1.1 <bob@example.test>: Recipient "
                + "address rejected: User unknown in local recipient table");
        assertThat(DryRun.of(scenario, SmtpStage.RCPT, "alice@example.test", CLIENT).outcome())
                .as("another recipient is not matched").doesNotContain("unknown-recipient").endsWith("250 2.1.5 Ok");
    }

    @Test
    void a_scheduled_rule_says_when_it_fires_instead_of_guessing() {
        DryRun greylisted = DryRun.of(Scenario.builder().preset("greylist:retry-after=60s").build(), SmtpStage.RCPT,
                "bob@example.test", CLIENT);
        assertThat(greylisted.steps()).singleElement().satisfies(step -> {
            assertThat(step.rule()).isEqualTo("greylist");
            assertThat(step.when()).isEqualTo("a first attempt, and retries sooner than 60 s (greylisting)");
        });
        assertThat(greylisted.outcome()).isEqualTo("as the schedules above say; otherwise 250 2.1.5 Ok");
    }

    @Test
    void magic_addresses_come_after_the_rules_and_nothing_is_counted() {
        Scenario scenario = Scenario.none();
        DryRun magic = DryRun.of(scenario, SmtpStage.RCPT, "reject-550-5.1.1@example.test", CLIENT);
        assertThat(magic.outcome()).startsWith("the magic address: reply 550 5.1.1");
        assertThat(DryRun.of(scenario, SmtpStage.MAIL, "alice@example.test", CLIENT).outcome()).isEqualTo("250 2.1.0 Ok");
        Scenario firstTwice = Scenario.builder().rule(Rule.at("twice", SmtpStage.MAIL,
                new Effect.Reply(SmtpReply.of(451, "4.3.0", "try later"))).on(new Schedule.FirstN(2))).build();
        for (int i = 0; i < 3; i++) {
            assertThat(DryRun.of(firstTwice, SmtpStage.MAIL, "a@example.test", CLIENT).steps())
                    .extracting(DryRun.Step::when).containsExactly("the first 2 times it matches");
        }
        assertThatThrownBy(() -> DryRun.of(scenario, SmtpStage.DATA, "a@example.test", CLIENT))
                .hasMessage("a dry run is of MAIL FROM or RCPT TO, not data");
    }
}
