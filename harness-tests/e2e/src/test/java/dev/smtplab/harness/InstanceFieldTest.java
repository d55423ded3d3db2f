package dev.smtplab.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/** {@code @RegisterExtension} on an instance field: a server per test, as with a static field. */
class InstanceFieldTest {
    private static final Set<Integer> PORTS = new HashSet<>();

    @RegisterExtension
    SmtpLabExtension smtp = SmtpLabExtension.create();

    @Test
    void a_test_sends_and_receives() throws Exception {
        ClientRun run = ClientRun.send(smtp.port(), "--to", "bob@example.test", "--subject", "instance");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(smtp.takeMessage(Duration.ofSeconds(5))).hasSubject("instance");
        assertThat(PORTS.add(smtp.port())).isTrue();
    }

    @Test
    void another_test_starts_empty_on_its_own_server() {
        assertThat(smtp.messages()).isEmpty();
        assertThat(PORTS.add(smtp.port())).isTrue();
    }

    @Test
    void per_class_on_an_instance_field_says_it_needs_a_static_one() {
        TestExecutionSummary result = run(PerClassOnInstanceField.class);
        assertThat(result.getTotalFailureCount()).isEqualTo(1);
        assertThat(result.getFailures().get(0).getException()).hasMessage("SmtpLabExtension.perClass() needs a "
                + "static field: @RegisterExtension static SmtpLabExtension smtp = ...perClass()");
    }

    private static TestExecutionSummary run(Class<?> testClass) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request().selectors(selectClass(testClass)).build(), summary);
        return summary.getSummary();
    }

    /** Run only through {@link #run}: its name does not end in Test. */
    static class PerClassOnInstanceField {
        @RegisterExtension
        SmtpLabExtension smtp = SmtpLabExtension.create().perClass();

        @Test
        void uses_the_server() {
            smtp.port();
        }
    }
}
