package dev.smtplab.harness;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/** The README's ways of using the extension are safe when JUnit runs test methods concurrently. */
class ConcurrentExtensionTest {
    private final Launcher launcher = LauncherFactory.create();

    @Test
    void a_50_test_suite_passes_10_times_in_junit_s_concurrent_mode() {
        for (int run = 1; run <= 10; run++) {
            runPassesAll(ConcurrentMailSuite.class, run);
        }
    }

    @Test
    void fifty_tests_with_an_inbox_each_pass_concurrently_and_leave_the_shared_server_empty() {
        for (int run = 1; run <= 3; run++) {
            runPassesAll(InboxPerTestSuite.class, run);
            assertThat(InboxPerTestSuite.SHARED.inboxes().list()).as("every test's inbox removed").hasSize(1);
            assertThat(InboxPerTestSuite.SHARED.inboxPorts()).isEmpty();
            assertThat(InboxPerTestSuite.SHARED.messages()).as("and its mail").isEmpty();
        }
    }

    /** Runs the suite's 50 tests in JUnit's concurrent mode, 4 threads: every one passes. */
    private void runPassesAll(Class<?> suiteClass, int run) {
        LauncherDiscoveryRequest suite = request().selectors(selectClass(suiteClass))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(suite, summary);
        TestExecutionSummary result = summary.getSummary();
        StringWriter failures = new StringWriter();
        result.printFailuresTo(new PrintWriter(failures), 20);
        assertThat(result.getTestsSucceededCount()).as("run %d:%n%s", run, failures).isEqualTo(50);
        assertThat(result.getTotalFailureCount()).as("run %d:%n%s", run, failures).isZero();
    }
}
