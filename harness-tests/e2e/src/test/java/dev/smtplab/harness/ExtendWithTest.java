package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;

/** The declarative form: {@code @ExtendWith(SmtpLabExtension.class)} and a server parameter per test. */
@ExtendWith(SmtpLabExtension.class)
class ExtendWithTest {
    private static int firstPort;

    @Test
    void each_test_gets_a_running_server_as_a_parameter(FakeSmtpServer smtp) throws Exception {
        ClientRun run = ClientRun.send(smtp.port(), "--to", "bob@example.test", "--subject", "declared");
        org.assertj.core.api.Assertions.assertThat(run.exitCode()).as(run.err()).isZero();
        RecordedMessage message = smtp.takeMessage(Duration.ofSeconds(5));
        assertThat(message).hasRecipients("bob@example.test");
    }

    @Test
    void servers_are_not_shared_between_tests(FakeSmtpServer smtp) {
        org.assertj.core.api.Assertions.assertThat(smtp.messages()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(smtp.port()).isNotEqualTo(firstPort);
        firstPort = smtp.port();
    }
}
