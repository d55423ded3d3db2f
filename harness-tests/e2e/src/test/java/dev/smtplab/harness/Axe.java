package dev.smtplab.harness;

import org.openqa.selenium.JavascriptExecutor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deque's axe-core, the accessibility checker browsers' own audits use, run in the page under test.
 * It comes from the npm registry (npm install, once, into the e2e module's target folder): a test
 * dependency like any other, not code of ours.
 */
final class Axe {
    static final String VERSION = "4.10.2";
    private static String script;

    private Axe() {
    }

    /** axe.min.js, installed on first use. */
    static synchronized String script() throws IOException, InterruptedException {
        if (script == null) {
            Path prefix = Peers.root().resolve("harness-tests/e2e/target/axe-core-" + VERSION);
            Path file = prefix.resolve("node_modules/axe-core/axe.min.js");
            if (!Files.exists(file)) {
                Peers.program("npm", "npm");
                Process npm = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
                        prefix.toString(), "axe-core@" + VERSION).redirectErrorStream(true).start();
                String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(npm.waitFor(5, TimeUnit.MINUTES)).as("npm install axe-core").isTrue();
                assertThat(npm.exitValue()).as("npm install axe-core: " + output).isZero();
            }
            script = Files.readString(file);
        }
        return script;
    }

    /**
     * The serious and critical violations on the page as it is now, one line each ("color-contrast:
     * Elements must meet minimum color contrast ratio thresholds: #inbox td.time"); empty when none.
     */
    @SuppressWarnings("unchecked")
    static List<String> seriousViolations(JavascriptExecutor page) throws IOException, InterruptedException {
        page.executeScript(script());
        Object result = page.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({id: v.id, "
                + "impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))})))).catch(e => done(String(e)));");
        assertThat(result).as("axe.run's answer").isInstanceOf(List.class);
        List<String> serious = new ArrayList<>();
        for (Map<String, Object> violation : (List<Map<String, Object>>) result) {
            if ("serious".equals(violation.get("impact")) || "critical".equals(violation.get("impact"))) {
                serious.add(violation.get("id") + ": " + violation.get("help") + ": " + violation.get("targets"));
            }
        }
        return serious;
    }
}
