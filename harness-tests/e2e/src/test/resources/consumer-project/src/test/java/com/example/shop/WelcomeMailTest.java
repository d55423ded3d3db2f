package com.example.shop;

import dev.smtplab.harness.SmtpLabExtension;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.SmtpStage;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static dev.smtplab.harness.SmtpLabAssertions.assertThatThrownBy;

/** The shop's mail tests, in JUnit's concurrent mode (see junit-platform.properties). */
class WelcomeMailTest {
    /** Released only when 4 tests run at once: proof that the suite really runs concurrently. */
    static final CountDownLatch RUNNING_TOGETHER = new CountDownLatch(4);

    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create();

    @RepeatedTest(20)
    void each_welcome_goes_to_its_own_user(RepetitionInfo repetition) throws Exception {
        String user = "user" + repetition.getCurrentRepetition() + "@example.test";
        new Mailer("127.0.0.1", smtp.port()).welcome(user, "t" + repetition.getCurrentRepetition(), "482913");

        RecordedMessage message = smtp.takeMessage(Duration.ofSeconds(10));
        assertThat(message).hasRecipients(user).hasSubject("Welcome to the shop")
                .hasLinkMatching("confirm\\?token=t" + repetition.getCurrentRepetition() + "$");
        assertThat(message.code()).contains("482913");
        assertThat(smtp.messages()).hasSize(1);
    }

    @RepeatedTest(10)
    void a_greylisted_welcome_goes_through_on_the_retry(FakeSmtpServer server) throws Exception {
        smtp.failNext(SmtpStage.RCPT, "451 4.7.1 Greylisted, try again later");
        Mailer mailer = new Mailer("127.0.0.1", server.port());
        assertThatThrownBy(() -> mailer.welcome("bob@example.test", "x", "1234")).hasStackTraceContaining("451 4.7.1");
        mailer.welcome("bob@example.test", "x", "1234");
        assertThat(server).receivesExactly(1, Duration.ofMillis(200));
    }

    /** Each of the four waits for the other three: run one after another, the first would wait in vain. */
    @RepeatedTest(4)
    void runs_alongside_three_others() throws Exception {
        RUNNING_TOGETHER.countDown();
        assertThat(RUNNING_TOGETHER.await(60, TimeUnit.SECONDS)).as("4 tests running together").isTrue();
        smtp.port();
    }
}
