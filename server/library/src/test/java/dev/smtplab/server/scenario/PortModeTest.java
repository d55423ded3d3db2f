package dev.smtplab.server.scenario;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PortModeTest {
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
}
