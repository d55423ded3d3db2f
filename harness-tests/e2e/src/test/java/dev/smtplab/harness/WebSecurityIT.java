package dev.smtplab.harness;

import com.sun.net.httpserver.HttpServer;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.web.WebAccess;
import dev.smtplab.server.web.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile page in a real headless Chromium: served from another origin (another port on
 * loopback, and a name, evil.test, that the browser maps to 127.0.0.1 by its own rule, as a
 * DNS-rebinding attacker would make it), it tries every state-changing route with fetch (simple and
 * preflighted) and a form post, and tries to read messages through its own host name. All fail;
 * the same calls from the UI's own origin succeed.
 */
@Timeout(180)
class WebSecurityIT {
    private static final String RULE = "{\"id\":\"evil\",\"stage\":\"rcpt\",\"effect\":{\"reply\":\"550 5.1.1 no\"}}";

    private static WebDriver browser;
    private FakeSmtpServer smtp;
    private WebServer web;
    private HttpServer hostile;

    @BeforeAll
    static void startBrowser() throws Exception {
        // evil.test resolves to loopback by the browser's own rule: no DNS is asked.
        browser = Chromium.start("--host-resolver-rules=MAP evil.test 127.0.0.1");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void start() throws Exception {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        ClientRun run = ClientRun.send(smtp.port(), "--subject", "password reset", "--body", "your reset link");
        assertThat(run.exitCode()).as(run.err()).isZero();
        hostile = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hostile.createContext("/", exchange -> {
            byte[] page = hostilePage().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        hostile.start();
    }

    @AfterEach
    void stop() {
        if (hostile != null) {
            hostile.stop(0);
        }
        if (web != null) {
            web.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    private String api() {
        return "http://127.0.0.1:" + web.port();
    }

    /** Every state-changing route, by fetch (simple and preflighted), then a form post; results go to the page. */
    private String hostilePage() {
        return """
                <html><body><p id="done"></p><iframe name="sink"></iframe>
                <form id="form" method="POST" enctype="text/plain" target="sink" action="API/api/v1/failure-modes/rules">
                <input name='{"id":"form","stage":"rcpt","effect":{"reset":true},"x":"' value='"}'></form>
                <script>
                const api = "API";
                const attempts = [
                  ["POST", "/api/v1/failure-modes/rules", RULE, "text/plain"],
                  ["POST", "/api/v1/failure-modes/rules", RULE, "application/json"],
                  ["PUT", "/api/v1/failure-modes/presets/greylist", "{}", "application/json"],
                  ["DELETE", "/api/v1/failure-modes", null, null],
                  ["DELETE", "/api/v1/messages/1", null, null],
                  ["DELETE", "/api/v1/messages", null, null]];
                const results = [];
                (async () => {
                  for (const [method, path, body, type] of attempts) {
                    // text/plain is a "simple" request: sent without a preflight, its answer opaque (status 0).
                    const options = {method, mode: type === "text/plain" ? "no-cors" : "cors"};
                    if (body !== null) { options.body = body; options.headers = {"Content-Type": type}; }
                    try { const r = await fetch(api + path, options); results.push(method + " " + path + " " + r.status); }
                    catch (e) { results.push(method + " " + path + " blocked"); }
                  }
                  document.getElementById("form").submit();
                  await new Promise(resolve => setTimeout(resolve, 1000));
                  document.getElementById("done").textContent = results.join("\\n");
                })();
                </script></body></html>
                """.replace("API", api()).replace("RULE", "'" + RULE + "'");
    }

    private void assertNothingChanged() {
        assertThat(smtp.messages()).hasSize(1);
        assertThat(smtp.scenario().rules()).isEmpty();
        assertThat(smtp.scenario().presets()).isEmpty();
    }

    @Test
    void a_page_from_another_origin_changes_nothing_by_fetch_or_form() {
        browser.get("http://127.0.0.1:" + hostile.getAddress().getPort() + "/");
        String results = new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(driver -> {
                    String text = driver.findElement(By.id("done")).getText();
                    return text.isEmpty() ? null : text;
                });
        // The simple text/plain POST reaches the server and is refused (the page sees an opaque answer);
        // the preflighted ones are stopped by the browser, since the server allows no other origin.
        assertThat(results).contains("PUT /api/v1/failure-modes/presets/greylist blocked",
                "DELETE /api/v1/messages blocked");
        assertNothingChanged();
    }

    @Test
    void a_rebinding_host_name_reads_no_message_in_the_browser() {
        browser.get("http://evil.test:" + web.port() + "/api/v1/messages");
        String page = browser.findElement(By.tagName("body")).getText();
        assertThat(page).contains("does not answer to the host name").doesNotContain("password reset");
        browser.get("http://evil.test:" + web.port() + "/");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("--web-host evil.test")
                .doesNotContain("password reset");
    }

    @Test
    void the_same_calls_from_the_ui_s_own_origin_succeed() {
        browser.get(api() + "/");
        @SuppressWarnings("unchecked")
        List<Object> statuses = (List<Object>) ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const rule = arguments[0];
                (async () => {
                  const calls = [
                    ["POST", "/api/v1/failure-modes/rules", rule],
                    ["PUT", "/api/v1/failure-modes/presets/greylist", "{}"],
                    ["DELETE", "/api/v1/failure-modes", null],
                    ["DELETE", "/api/v1/messages/1", null],
                    ["DELETE", "/api/v1/messages", null]];
                  const statuses = [];
                  for (const [method, path, body] of calls) {
                    const options = {method};
                    if (body !== null) { options.body = body; options.headers = {"Content-Type": "application/json"}; }
                    statuses.push((await fetch(path, options)).status);
                  }
                  done(statuses);
                })();
                """, RULE);
        assertThat(statuses).extracting(Object::toString).allMatch(status -> status.startsWith("2"), "2xx")
                .hasSize(5);
        assertThat(smtp.messages()).isEmpty();
        assertThat(smtp.scenario().rules()).isEmpty();
    }
}
