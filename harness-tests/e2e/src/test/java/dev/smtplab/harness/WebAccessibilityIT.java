package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.web.WebAccess;
import dev.smtplab.server.web.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every view of the web UI checked with axe-core in a real Chromium, light and dark, desktop and
 * phone: no serious or critical violation (labels, contrast, names, roles, focusable controls).
 */
@Timeout(300)
class WebAccessibilityIT {
    private static ChromeDriver browser;
    private FakeSmtpServer smtp;
    private WebServer web;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Chromium.start("--window-size=1280,900");
        Axe.script();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void startServer() throws Exception {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        Path eml = Files.createTempFile("welcome", ".eml");
        Files.writeString(eml, "From: shop@example.test\r\nTo: bob@example.test\r\nSubject: Welcome aboard\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello <a href=\"http://127.0.0.1:9/"
                + "start\">start here</a>, code 482913</p>\r\n");
        ClientRun run = ClientRun.send(smtp.port(), "--data", eml.toString());
        Files.delete(eml);
        assertThat(run.exitCode()).as(run.err()).isZero();
        ClientRun second = ClientRun.send(smtp.port(), "--subject", "second");
        assertThat(second.exitCode()).as(second.err()).isZero();
        // A PDF to preview and a raw source with every colour: encoded words, parameters, quoted-printable, base64.
        byte[] pdf;
        try (var document = new org.apache.pdfbox.pdmodel.PDDocument()) {
            document.addPage(new org.apache.pdfbox.pdmodel.PDPage());
            document.addPage(new org.apache.pdfbox.pdmodel.PDPage());
            var bytes = new java.io.ByteArrayOutputStream();
            document.save(bytes);
            pdf = bytes.toByteArray();
        }
        smtp.importMessage(("From: =?UTF-8?B?44K344On44OD44OX?= <shop@example.test>\r\nTo: bob@example.test\r\n"
                + "Subject: Invoice\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Caf=C3=A9 =\r\norder\r\n--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
                + "filename=\"invoice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pdf) + "\r\n--b1--\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII), "shop@example.test", List.of("bob@example.test"), "test");
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"light desktop", "dark desktop", "light phone", "dark phone", "dark desktop ja"})
    void no_view_has_a_serious_accessibility_violation(String setting) throws Exception {
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of(Map.of(
                "name", "prefers-color-scheme", "value", setting.contains("dark") ? "dark" : "light"))));
        browser.manage().window().setSize(setting.contains("phone") ? new Dimension(390, 844) : new Dimension(1280, 900));
        browser.get("http://127.0.0.1:" + web.port() + "/");
        browser.executeScript("localStorage.setItem('smtplab.lang', arguments[0])", setting.endsWith(" ja") ? "ja" : "en");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        List<String> found = new ArrayList<>();
        for (String view : List.of("#/inbox", "#/message/1", "#/message/3", "#/sessions", "#/session/1", "#/failures",
                "#/webhooks", "#/lessons")) {
            browser.get("http://127.0.0.1:" + web.port() + "/" + view);
            wait.until(driver -> !driver.findElement(By.id("live")).getAttribute("class").isEmpty()
                    || driver.findElement(By.id("live")).getText().length() > 0);
            if (view.equals("#/message/1")) {
                wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Welcome aboard"));
                browser.findElement(By.cssSelector("button[data-tab=links]")).click();
            } else if (view.equals("#/message/3")) {
                wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Invoice"));
                browser.findElement(By.cssSelector("button[data-tab=raw]")).click();
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tab-raw .raw-base64")));
                for (String violation : Axe.seriousViolations(browser)) {
                    found.add(view + " (raw) " + violation);
                }
                browser.findElement(By.cssSelector("button[data-tab=attachments]")).click();
                wait.until(driver -> driver.findElement(By.cssSelector(".pdf-page-number")).getText().contains("2"));
            } else if (view.equals("#/inbox")) {
                wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#inbox tbody tr"), 3));
            } else if (view.startsWith("#/session/")) {
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#session-transcript li")));
            } else if (view.equals("#/failures")) {
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#presets tbody tr")));
            }
            for (String violation : Axe.seriousViolations(browser)) {
                found.add(view + " " + violation);
            }
        }
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        assertThat(found).as("serious or critical axe-core violations (%s)", setting).isEmpty();
    }
}
