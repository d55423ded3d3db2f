package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.SmtpStage;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that share one server, an inbox each, run by {@link ConcurrentExtensionTest} in JUnit's
 * concurrent mode: each sees its own mail and failure modes only.
 */
class InboxPerTestSuite {
    @RegisterExtension
    static SmtpLabExtension own = SmtpLabExtension.create().inboxPerTest();

    // README example: begin
    static final FakeSmtpServer SHARED = FakeSmtpServer.builder().build().start();   // once for the whole run

    @RegisterExtension
    static SmtpLabExtension shared = SmtpLabExtension.inboxesOn(SHARED);   // an inbox and a port per test
    // README example: end

    @RepeatedTest(25)
    void each_test_has_its_own_inbox_port_and_failures(RepetitionInfo info) throws Exception {
        String subject = "inbox " + info.getCurrentRepetition();
        own.failNext(SmtpStage.RCPT, "451 4.7.1 Try again later");
        assertThat(ConcurrentMailSuite.send(own.port(), subject)).startsWith("451");
        assertThat(ConcurrentMailSuite.send(own.port(), subject)).startsWith("250");
        RecordedMessage message = own.takeMessage(Duration.ofSeconds(10));
        assertThat(message.subject()).contains(subject);
        assertThat(message.inbox()).isEqualTo(own.inboxName().orElseThrow());
        assertThat(own.messages()).hasSize(1);
        assertThat(own.sessions()).hasSize(2);
        assertThat(own.port()).isNotEqualTo(own.server().port());
    }

    @RepeatedTest(25)
    void tests_on_a_server_started_outside_share_it_without_seeing_each_other(RepetitionInfo info) throws Exception {
        String subject = "shared " + info.getCurrentRepetition();
        assertThat(shared.server()).isSameAs(SHARED);
        if (info.getCurrentRepetition() % 2 == 0) {
            shared.preset("unknown-recipient");
            assertThat(ConcurrentMailSuite.send(shared.port(), subject)).startsWith("550 5.1.1");
            assertThat(shared.messages()).isEmpty();
        } else {
            assertThat(ConcurrentMailSuite.send(shared.port(), subject)).startsWith("250");
            assertThat(shared.awaitMessages(1, Duration.ofSeconds(10))).singleElement()
                    .satisfies(message -> assertThat(message.subject()).contains(subject));
        }
    }
}
