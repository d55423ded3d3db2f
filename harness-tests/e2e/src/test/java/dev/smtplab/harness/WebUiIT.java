package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.web.WebAccess;
import dev.smtplab.server.web.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in a real headless Chromium (Debian's chromium and chromium-driver, through Selenium).
 * Screenshots are kept in harness-tests/e2e/target/screenshots.
 */
@Timeout(180)
class WebUiIT {
    private static final Path SCREENSHOTS = Peers.root().resolve("harness-tests/e2e/target/screenshots");
    private static final String HOSTILE_HTML = """
            <html><head><link rel="stylesheet" href="http://remote.example/x.css"></head><body>
            <h1 id="greeting">Hello Bob</h1><p onclick="document.body.append('clicked')">Click</p>
            <script>document.body.insertAdjacentHTML('beforeend', '<p id="pwned">PWNED</p>'); parent.document.title = 'PWNED';</script>
            <img src="http://remote.example/track.png" onerror="document.body.insertAdjacentHTML('beforeend', '<p id=pwned>PWNED</p>')">
            <a href="javascript:parent.document.title='PWNED'">a link</a>
            </body></html>""";

    private static WebDriver browser;
    private FakeSmtpServer smtp;
    private WebServer web;

    /** One Chromium for the class: it takes seconds to start. Each test gets its own server. */
    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Chromium.start("--window-size=1280,900");
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void startServer() {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
    }

    @AfterEach
    void stop() {
        if (web != null) {
            web.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    private void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private void sendHostileMessage() throws Exception {
        Path eml = Files.createTempFile("hostile", ".eml");
        Files.writeString(eml, "From: Mallory <mallory@example.test>\r\nTo: bob@example.test\r\nSubject: Hostile HTML\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + HOSTILE_HTML + "\r\n");
        ClientRun run = ClientRun.send(smtp.port(), "--from", "mallory@example.test", "--data", eml.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        Files.delete(eml);
    }

    @Test
    void message_appears_live_and_its_html_is_shown_without_running_anything() throws Exception {
        browser.get("http://127.0.0.1:" + web.port() + "/#/inbox");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));

        sendHostileMessage();
        WebElement row = new WebDriverWait(browser, Duration.ofSeconds(2)).until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#inbox tbody tr[data-id='1']")));
        assertThat(row.getText()).contains("mallory@example.test").contains("Hostile HTML");
        screenshot("inbox");

        row.click();
        WebElement frame = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message-html")));
        assertThat(frame.getAttribute("sandbox")).isEmpty();
        wait.until(ExpectedConditions.frameToBeAvailableAndSwitchToIt(By.id("message-html")));
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("greeting"))).getText()).isEqualTo("Hello Bob");
        // The tracking image fails to load (remote content is blocked); once it has, its onerror would have run.
        wait.until(driver -> Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "return Array.from(document.images).every(image => image.complete)")));
        assertThat(browser.findElements(By.id("pwned"))).as("the message's script and onerror did not run").isEmpty();
        browser.switchTo().defaultContent();
        assertThat(browser.getTitle()).isEqualTo("SMTP Lab");
        screenshot("message");
    }

    /** A learner types a session by hand (here, a socket) while the browser shows it line by line. */
    @Test
    void a_session_being_typed_appears_line_by_line_and_the_list_filters_by_outcome() throws Exception {
        browser.get("http://127.0.0.1:" + web.port() + "/#/sessions");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), smtp.port())) {
            var out = socket.getOutputStream();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("220 ");
            WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#sessions tbody tr")));
            assertThat(row.getText()).contains("active");
            row.click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("session-live")));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("session-transcript"), "S: 220 "));
            out.write("EHLO learner.test\r\n".getBytes(StandardCharsets.US_ASCII));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("session-transcript"), "C: EHLO learner.test"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("session-transcript"), "S: 250 CHUNKING"));
            out.write("MAIL FROM:<learner@example.test>\r\n".getBytes(StandardCharsets.US_ASCII));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("session-transcript"),
                    "C: MAIL FROM:<learner@example.test>"));
            List<WebElement> lines = browser.findElements(By.cssSelector("#session-transcript li"));
            assertThat(lines.stream().map(WebElement::getText).filter(text -> text.contains("C: EHLO learner.test")))
                    .as("each line once").hasSize(1);
            assertThat(lines.get(0).getText()).startsWith("+0.000 s");
            screenshot("session-live");
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("session-live")));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("session-outcome"), "client quit"));
        }
        browser.findElement(By.cssSelector("a[href='#/sessions']")).click();
        new org.openqa.selenium.support.ui.Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("sessions-outcome"))))
                .selectByValue("REJECTED");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sessions-empty")));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("sessions-outcome"))).selectByValue("CLIENT_QUIT");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#sessions tbody tr"), 1));
    }

    @Test
    void webhooks_are_added_in_the_page_their_deliveries_listed_and_a_bounce_links_to_its_message() throws Exception {
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            smtp.setScenario(dev.smtplab.server.scenario.Scenario.builder().preset("bounce-later:after=0s").build());
            browser.get("http://127.0.0.1:" + web.port() + "/#/webhooks");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhooks-empty")));
            browser.findElement(By.id("webhook-url")).sendKeys("ftp://nowhere.test/");
            browser.findElement(By.cssSelector("#webhook-form button")).click();
            // The browser's own check of a URL field passes ftp: on; the server names what is wrong.
            wait.until(driver -> driver.findElement(By.id("webhooks-error")).getText().contains("http:// or https://"));
            WebElement url = browser.findElement(By.id("webhook-url"));
            url.clear();
            url.sendKeys("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
            browser.findElement(By.cssSelector("#webhook-form button")).click();
            wait.until(driver -> driver.findElement(By.id("webhook-secret-made")).getText().contains("whsec_"));
            assertThat(browser.findElement(By.cssSelector("#webhooks tbody")).getText()).contains("/hook");
            assertThat(browser.findElement(By.id("webhooks-error")).getText()).isEmpty();

            assertThat(ClientRun.send(smtp.port(), "--from", "app@example.test", "--to", "bob@example.test").exitCode())
                    .isZero();
            RecordedMessage original = smtp.awaitMessage(message -> !message.mailFrom().isEmpty(), Duration.ofSeconds(5));
            RecordedMessage bounce = smtp.awaitMessage(message -> message.mailFrom().isEmpty(), Duration.ofSeconds(5));
            wait.until(driver -> {
                driver.navigate().refresh();
                return driver.findElements(By.cssSelector("#deliveries tbody tr")).size() >= 3;
            });
            assertThat(browser.findElement(By.cssSelector("#deliveries tbody")).getText()).contains("message.received",
                    "bounce.sent", "delivered");
            screenshot("webhooks");

            browser.get("http://127.0.0.1:" + web.port() + "/#/message/" + bounce.id());
            WebElement about = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message-report-about")));
            assertThat(about.getText()).isEqualTo("message " + original.id());
            about.click();
            wait.until(driver -> driver.findElement(By.id("message-subject")).getText().equals("Test message from smtplab"));
            screenshot("bounce-link");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void a_lesson_taken_with_smtplab_learn_is_listed_and_shown_on_the_lessons_page() throws Exception {
        Path data = Files.createTempDirectory("smtplab-learner");
        Process learn = new ProcessBuilder(Peers.java(), "-jar", Peers.clientJar().toString(), "learn", "2",
                "--data-dir", data.toString()).redirectErrorStream(true).start();
        learn.getOutputStream().write(String.join("\n", "nslookup -type=mx shop.example.test",
                "telnet mx1.shop.example.test 25", "dig mx blog.example.test", "host -t mx nomail.example.test", "")
                .getBytes(StandardCharsets.UTF_8));
        learn.getOutputStream().close();
        String said = new String(learn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(learn.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(said).contains("Lesson 2 finished");
        web.stop();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local())
                .lessonTranscripts(data.resolve("learn/transcripts")).start();

        browser.get("http://127.0.0.1:" + web.port() + "/#/lessons");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#lessons tbody tr")));
        assertThat(row.getText()).contains("Lesson 2 (mx)").contains("4 of 4 \u2713 finished");
        assertThat(browser.findElement(By.id("lessons-empty")).isDisplayed()).isFalse();
        screenshot("lessons");

        row.click();
        WebElement transcript = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("lesson-transcript")));
        wait.until(driver -> transcript.getText().contains("mail exchanger"));
        assertThat(transcript.getText()).startsWith("# smtplab learn 2 (mx): 4/4 steps")
                .contains("lesson$ nslookup -type=mx shop.example.test")
                .contains("mail exchanger = 10 mx1.shop.example.test.")
                .contains("220 mx1.shop.example.test ESMTP");
        screenshot("lesson");
    }

    @Test
    void the_language_menu_switches_the_labels_to_japanese_and_the_mail_stays_as_it_came() throws Exception {
        browser.get("http://127.0.0.1:" + web.port() + "/#/inbox");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        ClientRun run = ClientRun.send(smtp.port(), "--subject", "Hello from the test");
        assertThat(run.exitCode()).as(run.err()).isZero();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#inbox tbody tr[data-id='1']")));

        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("language"))).selectByValue("ja");
        wait.until(ExpectedConditions.textToBe(By.id("nav-inbox"), "受信箱"));
        try {
            assertThat(browser.findElement(By.id("nav-failures")).getText()).isEqualTo("失敗モード");
            assertThat(browser.findElement(By.cssSelector("#inbox thead")).getText()).contains("受信日時", "件名", "サイズ");
            assertThat(browser.findElement(By.id("search")).getAttribute("placeholder")).isEqualTo("件名、送信者、受信者、本文を検索");
            assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("ja");
            WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#inbox tbody tr[data-id='1']")));
            assertThat(row.getText()).contains("Hello from the test");
            screenshot("inbox-ja");

            row.click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message-envelope"), "クライアント"));
            assertThat(browser.findElement(By.id("message-envelope")).getText()).contains("MAIL FROM", "RCPT TO",
                    "接続 1、トランザクション 1");
            assertThat(browser.findElement(By.cssSelector("button[data-tab='headers']")).getText()).isEqualTo("ヘッダー");

            browser.navigate().refresh();
            wait.until(ExpectedConditions.textToBe(By.id("nav-inbox"), "受信箱"));

            browser.findElement(By.id("nav-failures")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("presets"),
                    "すべての受信者、または指定した受信者に 550 5.1.1"));
            browser.findElement(By.id("nav-sessions")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sessions"), "完了 — "));
            screenshot("sessions-ja");
        } finally {
            // The choice is remembered in the browser: give the next test its English back.
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("localStorage.removeItem('smtplab.lang')");
        }
    }

    @Test
    void turning_on_invalid_sender_in_the_ui_makes_the_next_send_fail_with_553() throws Exception {
        browser.get("http://127.0.0.1:" + web.port() + "/#/failures");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        WebElement toggle = wait.until(ExpectedConditions.elementToBeClickable(By.id("preset-invalid-sender")));
        WebElement parameters = browser.findElement(By.cssSelector("input[aria-label='invalid-sender parameters']"));
        parameters.sendKeys("addresses=mallory@example.test");
        toggle.click();
        wait.until(driver -> smtp.scenario().presets().contains("invalid-sender:addresses=mallory@example.test"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rules"), "invalid-sender-listed"));
        screenshot("failure-modes");

        ClientRun run = ClientRun.send(smtp.port(), "--from", "mallory@example.test");
        assertThat(run.exitCode()).isEqualTo(23);
        assertThat(run.err()).startsWith("smtplab send: MAIL FROM was refused: 553 5.1.7 <mallory@example.test>: "
                + "Sender address rejected: not a valid address");

        browser.get("http://127.0.0.1:" + web.port() + "/#/sessions");
        WebElement rejected = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#sessions tbody tr")));
        assertThat(rejected.getText()).contains("invalid-sender-listed").contains("last refusal at MAIL: 553 5.1.7");
        assertThat(rejected.getAttribute("class")).contains("rejected");
        screenshot("sessions");
    }

    @Test
    void the_inbox_switcher_shows_one_inbox_live_and_changes_its_failure_modes_alone() throws Exception {
        smtp.inboxes().define("team-a", java.util.List.of(dev.smtplab.server.inbox.InboxRoute.parse("rcpt:team-a.test")));
        browser.get("http://127.0.0.1:" + web.port() + "/#/inbox");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        org.openqa.selenium.support.ui.Select inboxes = new org.openqa.selenium.support.ui.Select(
                wait.until(ExpectedConditions.elementToBeClickable(By.id("inbox-switch"))));
        assertThat(inboxes.getOptions()).extracting(WebElement::getText)
                .containsExactly("All inboxes", "default (0)", "team-a (0)");
        inboxes.selectByValue("team-a");

        assertThat(ClientRun.send(smtp.port(), "--to", "carol@example.test", "--subject", "for default").exitCode())
                .isZero();
        assertThat(ClientRun.send(smtp.port(), "--to", "bob@team-a.test", "--subject", "for team a").exitCode())
                .isZero();
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#inbox tbody tr[data-id='2']")));
        assertThat(row.getText()).contains("team-a").contains("for team a");
        assertThat(browser.findElements(By.cssSelector("#inbox tbody tr"))).as("only team-a's mail").hasSize(1);
        screenshot("inbox-switcher");

        browser.get("http://127.0.0.1:" + web.port() + "/#/failures");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("failures-of"), "inbox team-a"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("preset-unknown-recipient"))).click();
        wait.until(driver -> smtp.inboxes().scenariosFor("team-a").get().presets().contains("unknown-recipient"));
        assertThat(smtp.scenario().presets()).as("the server's own are unchanged").isEmpty();
        assertThat(ClientRun.send(smtp.port(), "--to", "dan@team-a.test").exitCode()).isNotZero();
        assertThat(ClientRun.send(smtp.port(), "--to", "dan@example.test").exitCode()).isZero();
        screenshot("inbox-failure-modes");
    }
}
