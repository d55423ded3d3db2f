package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.web.WebAccess;
import dev.smtplab.server.web.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI looks as it should: the inbox with its preview pane, a message, and the failure modes,
 * at desktop and phone sizes, light and dark, compared with the reference images committed in the
 * repository (see {@link Screenshots} for the tolerance and how to renew a reference).
 */
@Timeout(300)
class WebScreenshotIT {
    private static ChromeDriver browser;
    private FakeSmtpServer smtp;
    private WebServer web;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Chromium.start("--hide-scrollbars", "--force-device-scale-factor=1", "--font-render-hinting=none");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void startServer() throws Exception {
        smtp = FakeSmtpServer.builder().hostName("mx.example.test").build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        StringBuilder mbox = new StringBuilder();
        String[][] messages = {
                {"billing@shop.example", "Your invoice for November", "text/plain", "Thank you for your order."},
                {"news@shop.example", "Winter sale: 30% off", "text/html",
                        "<h1 style=\"font-family: sans-serif\">Winter sale</h1><p>Everything 30% off until Sunday.</p>"},
                {"noreply@app.example", "Confirm your address", "text/html",
                        "<p>Your code is <b>482913</b>. <a href=\"https://app.example/confirm\">Confirm</a></p>"}};
        for (String[] message : messages) {
            mbox.append("From ").append(message[0]).append(" Sat Dec  5 10:00:00 2026\n")
                    .append("From: ").append(message[0]).append("\nTo: bob@example.test\nSubject: ").append(message[1])
                    .append("\nMIME-Version: 1.0\nContent-Type: ").append(message[2]).append("; charset=utf-8\n\n")
                    .append(message[3]).append("\n\n");
        }
        MboxImport.into(web.port(), mbox.toString());
    }

    @AfterEach
    void stop() {
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        if (web != null) {
            web.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"desktop, light", "desktop, dark", "phone, light", "phone, dark"})
    void the_pages_look_as_their_references(String size, String scheme) throws Exception {
        browser.manage().window().setSize(size.equals("phone") ? new Dimension(390, 844) : new Dimension(1280, 800));
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
        // The page's own size, whatever the window's frame takes: the screenshots are of the page.
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", size.equals("phone") ? 390 : 1280,
                "height", size.equals("phone") ? 844 : 800, "deviceScaleFactor", 1, "mobile", size.equals("phone")));
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        browser.get("http://127.0.0.1:" + web.port() + "/");
        browser.executeScript("localStorage.setItem('smtplab.lang', 'en'); localStorage.removeItem('smtplab.inbox')");

        // One read, two unread: both looks in one picture.
        smtp.store().markRead("1", true);
        browser.get("http://127.0.0.1:" + web.port() + "/#/inbox");
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–3 of 3"));
        wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "2 unread"));
        Screenshots.assertLooksLike(browser, "inbox-" + size + "-" + scheme);

        browser.get("http://127.0.0.1:" + web.port() + "/#/message/3");
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Confirm your address"));
        browser.findElement(By.cssSelector("button[data-tab=links]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message-code")));
        // Opened is read: the list (beside it, or hidden on a phone) says so once the server has it.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#inbox tbody tr[data-id='3']:not(.unread)")));
        Screenshots.assertLooksLike(browser, "message-" + size + "-" + scheme);

        browser.get("http://127.0.0.1:" + web.port() + "/#/failures");
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#presets tbody tr")));
        Screenshots.assertLooksLike(browser, "failures-" + size + "-" + scheme);
        browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
}
