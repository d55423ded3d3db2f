package dev.smtplab.server.scenario;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The scenario's own changes at runtime: the port's modes as one choice, a rule replaced in place. */
class ScenarioChangesTest {
    @Test
    void the_port_modes_are_one_choice_turning_one_on_turns_the_others_off() {
        Scenario scenario = Scenario.builder().preset("blocked").preset("invalid-sender").build();
        Scenario refused = scenario.withPreset("refused");
        assertThat(refused.connectionMode()).isEqualTo(ConnectionMode.REFUSED);
        assertThat(refused.presets()).containsExactlyInAnyOrder("invalid-sender", "refused");
        Scenario silent = refused.withPreset("silent");
        assertThat(silent.presets()).containsExactlyInAnyOrder("invalid-sender", "silent");
        assertThat(silent.withoutPreset("silent").connectionMode()).isEqualTo(ConnectionMode.NORMAL);
    }

    @Test
    void a_rule_is_replaced_where_it_stands_and_an_unknown_one_is_refused() {
        Scenario scenario = Scenario.builder()
                .rule(Rule.at("a", SmtpStage.RCPT, new Effect.Reply(dev.smtplab.server.scenario.SmtpReply.of(550, "5.1.1", "a"))))
                .rule(Rule.at("b", SmtpStage.RCPT, new Effect.Reply(dev.smtplab.server.scenario.SmtpReply.of(550, "5.1.1", "b"))))
                .build();
        Scenario replaced = scenario.withRuleReplaced("a", Rule.at("c", SmtpStage.MAIL,
                new Effect.Reply(dev.smtplab.server.scenario.SmtpReply.of(553, "5.1.7", "c"))));
        assertThat(replaced.customRules()).extracting(Rule::id).containsExactly("c", "b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> scenario.withRuleReplaced("zz", replaced.customRules().get(0)))
                .hasMessage("no rule \"zz\" of this scenario's own");
    }
}
