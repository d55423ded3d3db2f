package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.scenario.Presets;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Our client against our server, once for every preset: each gives the exit code it should. */
class PresetExitCodeTest {
    private static final Set<String> COVERED = new HashSet<>();
    @TempDir
    Path data;

    @ParameterizedTest(name = "{0} -> exit {1}")
    @CsvSource(delimiter = '|', value = {
            "blocked|3|",
            "refused|2|",
            "silent|7|--timeout-reply 1",
            "reject-connection|21|",
            "invalid-sender:addresses=alice@example.test|23|",
            "unknown-recipient|24|",
            "relay-denied|24|",
            "mailbox-full|24|",
            "greylist|24|",
            "auth-required|23|",
            "message-too-big|26|",
            "spam-rejected|26|",
            "slow:delay=200ms|0|",
            "flaky:probability=1|23|",
            "starttls-refused|29|--starttls",
            "tls-handshake-failure|5|--starttls",
            "auth-refused|28|--auth-user alice --auth-password s3cret --auth-mech PLAIN",
            "auth-tempfail|28|--auth-user alice --auth-password s3cret --auth-mech PLAIN",
            "bounce-later:after=0s|0|",
            "soft-bounce-later:after=0s|0|",
            "drop-during-data|6|"})
    void preset_gives_its_exit_code(String preset, int exitCode, String extra) {
        COVERED.add(Scenario.presetName(preset));
        try (FakeSmtpServer server = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost"))
                .authUser("alice", "s3cret").allowPlaintextAuth()
                .scenario(Scenario.builder().preset(preset).build()).build().start()) {
            List<String> args = new ArrayList<>(List.of("--timeout-connect", "1", "--insecure"));
            if (extra != null) {
                args.addAll(List.of(extra.split(" ")));
            }
            ClientRun run = ClientRun.send(server.port(), args.toArray(String[]::new));
            assertThat(run.exitCode()).as(preset + ": " + run.err()).isEqualTo(exitCode);
        }
    }

    @Test
    void rate_limit_lets_the_first_connection_in_and_refuses_the_next_with_exit_21() {
        try (FakeSmtpServer server = FakeSmtpServer.builder()
                .scenario(Scenario.builder().preset("rate-limit:per-minute=1").build()).build().start()) {
            assertThat(ClientRun.send(server.port()).exitCode()).isZero();
            ClientRun second = ClientRun.send(server.port());
            assertThat(second.exitCode()).isEqualTo(21);
            assertThat(second.err()).startsWith("smtplab send: the server refused the session: 4.7.0 Too many connections");
        }
    }

    @Test
    void every_preset_has_a_case() {
        Set<String> all = new HashSet<>(Presets.DESCRIPTIONS.keySet());
        assertThat(Set.of("blocked", "refused", "silent", "reject-connection", "invalid-sender", "unknown-recipient",
                "relay-denied", "mailbox-full", "greylist", "rate-limit", "auth-required", "message-too-big",
                "spam-rejected", "slow", "flaky", "starttls-refused", "tls-handshake-failure", "auth-refused",
                "auth-tempfail", "bounce-later", "soft-bounce-later", "drop-during-data")).isEqualTo(all);
    }
}
