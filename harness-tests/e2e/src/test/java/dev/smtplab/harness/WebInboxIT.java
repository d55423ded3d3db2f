package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.scenario.ConnectionMode;
import dev.smtplab.server.web.WebAccess;
import dev.smtplab.server.web.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbox as a person uses it, in a real headless Chromium: pages over many messages, search as
 * you type, the preview pane and the keyboard, bulk delete, delete-all behind a confirmation,
 * errors said in the page, a phone's width and the system's dark mode, and the port's mode as one
 * choice.
 */
@Timeout(180)
class WebInboxIT {
    private static final Path SCREENSHOTS = Peers.root().resolve("harness-tests/e2e/target/screenshots");
    private static ChromeDriver browser;
    private FakeSmtpServer smtp;
    private WebServer web;
    private WebDriverWait wait;

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
    void startServer() throws Exception {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
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

    /** Messages "Message 001" to "Message N", imported as one mbox; message 42 also says "pineapple". */
    private void importMessages(int count) throws Exception {
        StringBuilder mbox = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            mbox.append("From sender@example.test Sat Dec  5 10:00:00 2026\n")
                    .append("From: sender@example.test\nTo: bob@example.test\n")
                    .append(String.format("Subject: Message %03d%s%n", i, i == 42 ? " pineapple" : ""))
                    .append("\nBody of message ").append(i).append("\n\n");
        }
        importMbox(mbox.toString());
    }

    private void importMbox(String mbox) throws Exception {
        MboxImport.into(web.port(), mbox);
    }

    private void open(String hash) {
        browser.get("http://127.0.0.1:" + web.port() + "/" + hash);
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
    }

    private List<String> subjects() {
        return browser.findElements(By.cssSelector("#inbox tbody td.subject")).stream().map(WebElement::getText).toList();
    }

    private void screenshot(String name) throws Exception {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void pages_walk_through_every_message_and_search_narrows_them_as_you_type() throws Exception {
        importMessages(120);
        open("#/inbox");
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–50 of 120"));
        assertThat(subjects()).hasSize(50).first().isEqualTo("Message 120");
        assertThat(browser.findElement(By.id("page-newer")).isEnabled()).isFalse();
        browser.findElement(By.id("page-older")).click();
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "51–100 of 120"));
        assertThat(subjects()).first().isEqualTo("Message 070");
        browser.findElement(By.id("page-older")).click();
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "101–120 of 120"));
        assertThat(subjects()).hasSize(20).last().isEqualTo("Message 001");
        assertThat(browser.findElement(By.id("page-older")).isEnabled()).isFalse();
        browser.findElement(By.id("page-newer")).click();
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "51–100 of 120"));

        browser.findElement(By.id("search")).sendKeys("pineapp");
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–1 of 1"));
        assertThat(subjects()).containsExactly("Message 042 pineapple");
        browser.findElement(By.id("search")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–50 of 120"));
        assertThat(browser.findElement(By.cssSelector("#inbox tbody td.time")).getAttribute("title"))
                .as("the exact time on hover").matches(".*\\d{1,2}:\\d{2}:\\d{2}.*");
    }

    @Test
    void the_keyboard_moves_through_the_list_showing_each_message_beside_it_and_deletes() throws Exception {
        importMessages(5);
        open("#/inbox");
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–5 of 5"));
        Actions keys = new Actions(browser);
        keys.sendKeys("j").perform();
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Message 005"));
        assertThat(browser.findElement(By.id("view-inbox")).isDisplayed()).as("the list stays beside it").isTrue();
        assertThat(browser.findElement(By.cssSelector("#inbox tbody tr.selected td.subject")).getText()).isEqualTo("Message 005");
        keys.sendKeys("j").perform();
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Message 004"));
        keys.sendKeys("j").perform();
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Message 003"));
        keys.sendKeys("k").perform();
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Message 004"));
        screenshot("inbox-preview");

        keys.sendKeys(Keys.DELETE).perform();
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–4 of 4"));
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Message 003"));
        assertThat(subjects()).containsExactly("Message 005", "Message 003", "Message 002", "Message 001");

        keys.sendKeys("/").perform();
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("search");
        keys.sendKeys(Keys.ESCAPE).perform();
        keys.sendKeys(Keys.ESCAPE).perform();
        wait.until(driver -> driver.getCurrentUrl().endsWith("#/inbox"));
        assertThat(browser.findElement(By.id("view-message")).isDisplayed()).isFalse();
    }

    private List<String> unreadSubjects() {
        return browser.findElements(By.cssSelector("#inbox tbody tr.unread td.subject")).stream()
                .map(WebElement::getText).toList();
    }

    private List<String> readInStore() {
        return smtp.store().page(dev.smtplab.server.record.MessageQuery.all().withRead(true), Long.MAX_VALUE, 100)
                .messages().stream().map(stored -> stored.message().subject().orElseThrow()).toList();
    }

    @Test
    void an_opened_message_is_read_and_marks_change_for_one_for_the_ticked_rows_or_for_all() throws Exception {
        importMessages(4);
        open("#/inbox");
        wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "4 unread"));
        assertThat(unreadSubjects()).containsExactly("Message 004", "Message 003", "Message 002", "Message 001");
        assertThat(browser.findElement(By.cssSelector("#inbox tbody tr.unread td.col-select")).getText())
                .as("said in words, not only in bold").isEqualTo("Unread");

        // Opened is read; u makes it unread again, and the message's own button says what it would do.
        Actions keys = new Actions(browser);
        keys.sendKeys("j").perform();
        wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "3 unread"));
        assertThat(unreadSubjects()).containsExactly("Message 003", "Message 002", "Message 001");
        assertThat(readInStore()).containsExactly("Message 004");
        assertThat(browser.findElement(By.id("message-read")).getText()).isEqualTo("Mark unread");
        keys.sendKeys("u").perform();
        wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "4 unread"));
        assertThat(browser.findElement(By.id("message-read")).getText()).isEqualTo("Mark read");
        assertThat(readInStore()).isEmpty();
        browser.findElement(By.id("message-read")).click();
        wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "3 unread"));

        // The ticked rows.
        List<WebElement> boxes = browser.findElements(By.cssSelector("#inbox tbody input[type=checkbox]"));
        boxes.get(1).click();
        boxes.get(2).click();
        assertThat(browser.findElement(By.id("mark-read")).getText()).isEqualTo("Mark read (2)");
        browser.findElement(By.id("mark-read")).click();
        wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "1 unread"));
        assertThat(unreadSubjects()).containsExactly("Message 001");
        browser.findElement(By.id("mark-unread")).click();
        wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "3 unread"));
        boxes = browser.findElements(By.cssSelector("#inbox tbody input[type=checkbox]"));
        boxes.get(1).click();
        boxes.get(2).click();
        assertThat(browser.findElement(By.id("mark-read")).getText()).isEqualTo("Mark all read");

        // Only the unread, then all of them read.
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("read-filter"))).selectByValue("false");
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–3 of 3"));
        assertThat(subjects()).containsExactly("Message 003", "Message 002", "Message 001");
        browser.findElement(By.id("mark-read")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("inbox-empty")));
        assertThat(browser.findElement(By.id("unread-info")).getText()).isEmpty();
        assertThat(browser.findElement(By.id("mark-read")).isEnabled()).as("nothing left to mark").isFalse();
        assertThat(readInStore()).hasSize(4);

        // New mail arrives unread, and is counted as it comes.
        importMbox("From sender@example.test Sat Dec  5 10:00:00 2026\nFrom: sender@example.test\nTo: bob@example.test\n"
                + "Subject: Just arrived\n\nNew.\n");
        wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "1 unread"));
        assertThat(unreadSubjects()).containsExactly("Just arrived");
        assertThat(browser.findElement(By.id("mark-read")).isEnabled()).isTrue();
    }

    @Test
    void what_one_tab_marks_or_deletes_the_other_tab_shows() throws Exception {
        importMessages(3);
        open("#/inbox");
        wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "3 unread"));
        String first = browser.getWindowHandle();
        browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        try {
            open("#/inbox");
            wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "3 unread"));
            new Actions(browser).sendKeys("j").perform();
            wait.until(ExpectedConditions.textToBe(By.id("unread-info"), "2 unread"));
            new Actions(browser).sendKeys(Keys.DELETE).perform();
            wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–2 of 2"));
            browser.close();
        } finally {
            browser.switchTo().window(first);
        }
        // The first tab was told, and drew the list again.
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–2 of 2"));
        assertThat(subjects()).containsExactly("Message 002", "Message 001");
        assertThat(unreadSubjects()).containsExactly("Message 001");
    }

    @Test
    void a_fast_reader_always_sees_the_message_last_chosen() throws Exception {
        importMessages(30);
        open("#/inbox");
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–30 of 30"));
        Actions keys = new Actions(browser);
        for (int i = 0; i < 12; i++) {
            keys.sendKeys("j");
        }
        keys.perform();
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Message 019"));
        Thread.sleep(500); // any answer still on its way would land now
        assertThat(browser.findElement(By.id("message-subject")).getText()).isEqualTo("Message 019");
        assertThat(browser.findElement(By.cssSelector("#inbox tbody tr.selected td.subject")).getText()).isEqualTo("Message 019");
    }

    @Test
    void selected_messages_are_deleted_together_and_delete_all_asks_first() throws Exception {
        importMessages(6);
        open("#/inbox");
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–6 of 6"));
        List<WebElement> boxes = browser.findElements(By.cssSelector("#inbox tbody input[type=checkbox]"));
        boxes.get(0).click();
        boxes.get(2).click();
        assertThat(browser.findElement(By.id("delete-selected")).getText()).isEqualTo("Delete selected (2)");
        browser.findElement(By.id("delete-selected")).click();
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–4 of 4"));
        assertThat(subjects()).containsExactly("Message 005", "Message 003", "Message 002", "Message 001");

        browser.findElement(By.id("delete-all")).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        assertThat(dialog.getText()).contains("Delete all 4 messages? This cannot be undone.");
        screenshot("delete-all-confirm");
        browser.findElement(By.id("confirm-no")).click();
        wait.until(ExpectedConditions.invisibilityOf(dialog));
        assertThat(smtp.messages()).hasSize(4);

        browser.findElement(By.id("delete-all")).click();
        wait.until(ExpectedConditions.visibilityOf(dialog));
        browser.findElement(By.id("confirm-yes")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("inbox-empty")));
        assertThat(smtp.messages()).isEmpty();
    }

    @Test
    void the_links_tab_flags_links_to_this_machine_checks_them_on_request_and_shows_the_code() throws Exception {
        com.sun.net.httpserver.HttpServer site = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        site.createContext("/welcome", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        site.start();
        try {
            String base = "http://127.0.0.1:" + site.getAddress().getPort();
            importMbox("From shop@example.test Sat Dec  5 10:00:00 2026\nFrom: shop@example.test\nTo: bob@example.test\n"
                    + "Subject: Welcome\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
                    + "<p>Your code is <b>482913</b>.</p><a href=\"" + base + "/welcome\">Start</a> <a href=\"" + base
                    + "/missing\">Help</a> <a href=\"https://shop.example/terms\">Terms</a>\n");
            open("#/inbox");
            wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–1 of 1"));
            browser.findElement(By.cssSelector("#inbox tbody tr")).click();
            wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Welcome"));
            browser.findElement(By.cssSelector("button[data-tab=links]")).click();
            assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message-code"))).getText())
                    .isEqualTo("One-time code: 482913");
            List<WebElement> links = browser.findElements(By.cssSelector("#links-list li"));
            assertThat(links).hasSize(3);
            assertThat(links.get(0).getText()).contains(base + "/welcome").contains("this machine");
            assertThat(links.get(2).getText()).contains("https://shop.example/terms").doesNotContain("this machine");
            links.get(0).findElement(By.cssSelector("button.check")).click();
            links.get(1).findElement(By.cssSelector("button.check")).click();
            wait.until(ExpectedConditions.textMatches(By.cssSelector("#links-list li:nth-child(1) .check-result"),
                    java.util.regex.Pattern.compile("HTTP 200 \\(\\d+ ms\\)")));
            wait.until(ExpectedConditions.textMatches(By.cssSelector("#links-list li:nth-child(2) .check-result"),
                    java.util.regex.Pattern.compile("HTTP 404 \\(\\d+ ms\\)")));
            assertThat(browser.findElement(By.cssSelector("#links-list li:nth-child(2) .check-result")).getAttribute("class"))
                    .contains("bad");
            screenshot("message-links");
        } finally {
            site.stop(0);
        }
    }

    @Test
    void the_html_check_names_what_common_mail_clients_do_not_support() throws Exception {
        importMbox("From shop@example.test Sat Dec  5 10:00:00 2026\nFrom: shop@example.test\nTo: bob@example.test\n"
                + "Subject: Newsletter\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
                + "<html><head><style>@media (max-width: 600px) { .col { width: 100% } } a:hover { color: red }</style>"
                + "</head><body><div style=\"display:flex; gap: 8px\"><p>Hello</p><p>there</p></div>"
                + "<video src=\"http://127.0.0.1:9/v.mp4\"></video><table><tr><td>plain</td></tr></table></body></html>\n");
        open("#/inbox");
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–1 of 1"));
        browser.findElement(By.cssSelector("#inbox tbody tr")).click();
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Newsletter"));
        browser.findElement(By.cssSelector("button[data-tab=check]")).click();
        WebElement flex = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#check-results tr[data-slug='css-display-flex']")));
        assertThat(flex.getText()).contains("display:flex").contains("Outlook (Windows, Windows Mail)");
        assertThat(browser.findElement(By.cssSelector("#check-results tr[data-slug='html-video']")).getText())
                .contains("<video> element").contains("Gmail (");
        assertThat(browser.findElements(By.cssSelector("#check-results tr[data-slug='css-at-media']"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("#check-results tr[data-slug='css-pseudo-class-hover']"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("#check-results tr[data-slug='html-div']")))
                .as("what every client supports is not listed").isEmpty();
        assertThat(browser.findElement(By.id("check-updated")).getText()).matches("data of \\d{4}-\\d{2}-\\d{2}");
        screenshot("message-html-check");
    }

    @Test
    void attachments_show_their_sizes_and_images_a_preview_and_the_raw_source_is_coloured() throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(40, 20, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        String base64 = java.util.Base64.getMimeEncoder().encodeToString(png.toByteArray()).replace("\r\n", "\n");
        importMbox("From shop@example.test Sat Dec  5 10:00:00 2026\nFrom: shop@example.test\nTo: bob@example.test\n"
                + "Cc: Bob <bob@example.test>\nSubject: Your chart\nX-Title: =?UTF-8?B?44GU6KuL5rGC5pu4?=\nMIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n"
                + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                + "See the chart, caf=C3=A9 =\nowner.\n--signature\n--b1\nContent-Type: image/png\n"
                + "Content-Disposition: attachment; filename=\"chart.png\"\nContent-Transfer-Encoding: base64\n\n" + base64
                + "\n--b1\nContent-Type: text/html; name=\"page.html\"\nContent-Disposition: attachment; filename=\"page.html\"\n\n"
                + "<script>alert(1)</script>\n--b1--\n");
        open("#/message/1");
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Your chart"));
        browser.findElement(By.cssSelector("button[data-tab=attachments]")).click();
        WebElement parts = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#tab-attachments li.parts")));
        assertThat(parts.getText()).matches("Parts: text \\d+ B, attachments: 2 \\(\\d+ B\\)");
        WebElement preview = browser.findElement(By.cssSelector("#tab-attachments img.preview"));
        wait.until(driver -> ((Number) ((JavascriptExecutor) driver).executeScript("return arguments[0].naturalWidth", preview))
                .intValue() == 40);
        assertThat(browser.findElements(By.cssSelector("#tab-attachments img.preview"))).as("no preview of HTML").hasSize(1);
        browser.findElement(By.cssSelector("button[data-tab=raw]")).click();
        List<String> headers = browser.findElements(By.cssSelector("#tab-raw .raw-header")).stream().map(WebElement::getText).toList();
        assertThat(headers).contains("Subject:", "Content-Disposition:");
        assertThat(browser.findElements(By.cssSelector("#tab-raw .raw-boundary")).stream().map(WebElement::getText))
                .contains("--b1", "--b1--");
        assertThat(browser.findElement(By.id("tab-raw")).getText()).contains("<script>alert(1)</script>");
        // Only the boundaries the message declares: a body line that merely starts with -- is text.
        assertThat(browser.findElements(By.cssSelector("#tab-raw .raw-boundary")).stream().map(WebElement::getText))
                .doesNotContain("--signature");
        assertThat(browser.findElements(By.cssSelector("#tab-raw .raw-address")).stream().map(WebElement::getText))
                .contains("shop@example.test", "<bob@example.test>");
        WebElement encoded = browser.findElement(By.cssSelector("#tab-raw .raw-encoded"));
        assertThat(encoded.getText()).isEqualTo("=?UTF-8?B?44GU6KuL5rGC5pu4?=");
        assertThat(encoded.getAttribute("title")).as("decoded on hover").isEqualTo("ご請求書");
        assertThat(browser.findElements(By.cssSelector("#tab-raw .raw-param")).stream().map(WebElement::getText))
                .contains("boundary=", "charset=", "filename=");
        assertThat(browser.findElements(By.cssSelector("#tab-raw .raw-qp")).stream().map(WebElement::getText))
                .containsExactly("=C3", "=A9", "=");
        assertThat(browser.findElements(By.cssSelector("#tab-raw .raw-base64"))).as("the image's lines").isNotEmpty()
                .allSatisfy(line -> assertThat(line.getText()).matches("[A-Za-z0-9+/=]+"));
    }

    /** The colour at the middle of an image in the page, read through a canvas (the image is the page's own origin). */
    private java.awt.Color middleOf(WebElement image) {
        @SuppressWarnings("unchecked")
        List<Number> rgb = (List<Number>) ((JavascriptExecutor) browser).executeScript(
                "const image = arguments[0], canvas = document.createElement('canvas');"
                        + "canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;"
                        + "const context = canvas.getContext('2d'); context.drawImage(image, 0, 0);"
                        + "return Array.from(context.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data);", image);
        return new java.awt.Color(rgb.get(0).intValue(), rgb.get(1).intValue(), rgb.get(2).intValue());
    }

    @Test
    void a_pdf_attachment_is_previewed_in_the_page_one_page_at_a_time() throws Exception {
        byte[] pdf;
        try (var document = new org.apache.pdfbox.pdmodel.PDDocument()) {
            for (java.awt.Color colour : new java.awt.Color[] {java.awt.Color.RED, java.awt.Color.BLUE}) {
                var page = new org.apache.pdfbox.pdmodel.PDPage(org.apache.pdfbox.pdmodel.common.PDRectangle.A4);
                document.addPage(page);
                try (var content = new org.apache.pdfbox.pdmodel.PDPageContentStream(document, page)) {
                    content.setNonStrokingColor(colour);
                    content.addRect(0, 0, page.getMediaBox().getWidth(), page.getMediaBox().getHeight());
                    content.fill();
                }
            }
            var bytes = new java.io.ByteArrayOutputStream();
            document.save(bytes);
            pdf = bytes.toByteArray();
        }
        importMbox("From shop@example.test Sat Dec  5 10:00:00 2026\nFrom: shop@example.test\nTo: bob@example.test\n"
                + "Subject: Your invoice\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n"
                + "Content-Type: text/plain\n\nAttached.\n--b1\nContent-Type: application/pdf\n"
                + "Content-Disposition: attachment; filename=\"invoice.pdf\"\nContent-Transfer-Encoding: base64\n\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pdf).replace("\r\n", "\n") + "\n--b1--\n");
        open("#/message/1");
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Your invoice"));
        browser.findElement(By.cssSelector("button[data-tab=attachments]")).click();
        WebElement number = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".pdf-page-number")));
        wait.until(ExpectedConditions.textToBePresentInElement(number, "Page 1 of 2"));
        WebElement image = browser.findElement(By.cssSelector("#tab-attachments img.pdf-page"));
        wait.until(driver -> ((Number) ((JavascriptExecutor) driver).executeScript("return arguments[0].naturalWidth", image))
                .intValue() == 793);
        assertThat(image.getAttribute("alt")).isEqualTo("invoice.pdf, page 1 of 2");
        assertThat(middleOf(image)).isEqualTo(java.awt.Color.RED);
        assertThat(browser.findElement(By.cssSelector(".pdf-previous")).isEnabled()).isFalse();
        screenshot("pdf-preview");

        browser.findElement(By.cssSelector(".pdf-next")).click();
        wait.until(ExpectedConditions.textToBePresentInElement(number, "Page 2 of 2"));
        wait.until(driver -> java.awt.Color.BLUE.equals(middleOf(image)));
        assertThat(browser.findElement(By.cssSelector(".pdf-next")).isEnabled()).isFalse();
        browser.findElement(By.cssSelector(".pdf-previous")).click();
        wait.until(driver -> java.awt.Color.RED.equals(middleOf(image)));
    }

    @Test
    void a_rule_is_shown_in_the_rules_file_shape_and_edited_where_it_stands() {
        open("#/failures");
        WebElement box = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("rule-json")));
        box.clear();
        box.sendKeys("{\"id\": \"no-bob\", \"stage\": \"rcpt\", \"match\": {\"recipient\": \"bob@*\"}, "
                + "\"effect\": {\"reply\": \"550 5.1.1 <{address}>: User unknown\"}}");
        browser.findElement(By.id("rule-add")).click();
        wait.until(driver -> smtp.scenario().customRules().size() == 1);
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#rules tbody tr")));
        assertThat(row.findElement(By.cssSelector("code.rule-json")).getText()).contains("\"recipient\":\"bob@*\"");
        row.findElement(By.cssSelector("button.edit")).click();
        assertThat(browser.findElement(By.id("rule-editor-title")).getText()).isEqualTo("Edit the rule no-bob");
        assertThat(box.getAttribute("value")).contains("\"stage\": \"rcpt\"");
        box.clear();
        box.sendKeys("{\"id\": \"no-carol\", \"stage\": \"rcpt\", \"match\": {\"recipient\": \"carol@*\"}, "
                + "\"effect\": {\"reply\": \"550 5.1.1 gone\"}}");
        browser.findElement(By.id("rule-add")).click();
        wait.until(driver -> smtp.scenario().customRules().get(0).id().equals("no-carol"));
        assertThat(smtp.scenario().customRules()).hasSize(1);
        wait.until(ExpectedConditions.textToBe(By.id("rule-add"), "Add rule"));
        box.clear();
        box.sendKeys("{\"id\": \"bad\", \"stage\": \"rcpt\", \"effect\": {\"reply\": \"650 no\"}}");
        browser.findElement(By.id("rule-add")).click();
        wait.until(ExpectedConditions.textToBe(By.id("failure-error"), "effect.reply: reply code 650 is not one a server sends: use 200 to 599"));
        assertThat(smtp.scenario().customRules()).hasSize(1);
    }

    @Test
    void what_would_happen_to_an_address_is_shown_before_any_mail_is_sent() {
        smtp.setScenario(dev.smtplab.server.scenario.Scenario.builder().preset("unknown-recipient:addresses=bob@example.test")
                .build());
        open("#/failures");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("try-address"))).sendKeys("bob@example.test");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("try-stage"))).selectByValue("rcpt");
        browser.findElement(By.cssSelector("#try-form button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("try-outcome"),
                "The client gets: rule unknown-recipient: reply 550 5.1.1 <bob@example.test>"));
        assertThat(browser.findElement(By.id("try-steps")).getText()).contains("unknown-recipient").contains("every time");
        WebElement address = browser.findElement(By.id("try-address"));
        address.clear();
        address.sendKeys("alice@example.test");
        browser.findElement(By.cssSelector("#try-form button")).click();
        wait.until(ExpectedConditions.textToBe(By.id("try-outcome"), "The client gets: 250 2.1.5 Ok"));
        assertThat(smtp.sessions()).isEmpty();
    }

    @Test
    void a_message_is_released_to_a_real_server_and_its_history_says_so() throws Exception {
        importMessages(1);
        Path ca = Files.createTempDirectory("release-ca");
        try (FakeSmtpServer upstream = FakeSmtpServer.builder().hostName("upstream.test")
                .tls(dev.smtplab.server.tls.TlsMaterial.localCa(ca, "upstream.test")).build().start()) {
            open("#/message/1");
            wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Message 001"));
            browser.findElement(By.id("message-release")).click();
            WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("release")));
            assertThat(browser.findElement(By.id("release-to")).getAttribute("value")).isEqualTo("bob@example.test");
            browser.findElement(By.id("release-server")).sendKeys("127.0.0.1:" + upstream.port());
            browser.findElement(By.id("release-insecure")).click();
            browser.findElement(By.id("release-send")).click();
            wait.until(ExpectedConditions.textMatches(By.id("release-result"),
                    java.util.regex.Pattern.compile("released to 127\\.0\\.0\\.1:\\d+ \\(starttls\\) as <sender@example\\.test> "
                            + "to \\[bob@example\\.test]: 250 .*")));
            assertThat(upstream.awaitMessage(m -> true, Duration.ofSeconds(5)).subject()).hasValue("Message 001");
            browser.findElement(By.id("release-close")).click();
            wait.until(ExpectedConditions.invisibilityOf(dialog));
            browser.findElement(By.cssSelector("button[data-tab=transcript]")).click();
            assertThat(browser.findElement(By.id("tab-transcript")).getText()).contains("released to 127.0.0.1:" + upstream.port());
        }
    }

    @Test
    void a_failure_is_said_in_the_page() {
        open("#/message/999999");
        WebElement banner = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("page-error")));
        assertThat(banner.getText()).contains("999999");
        assertThat(banner.getAttribute("role")).isEqualTo("alert");
        browser.findElement(By.id("page-error-close")).click();
        wait.until(ExpectedConditions.invisibilityOf(banner));
    }

    @Test
    void on_a_phone_nothing_scrolls_sideways_and_dark_mode_follows_the_system() throws Exception {
        importMessages(3);
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        open("#/inbox");
        wait.until(ExpectedConditions.textToBe(By.id("page-info"), "1–3 of 3"));
        JavascriptExecutor page = browser;
        int viewport = ((Number) page.executeScript("return window.innerWidth")).intValue();
        assertThat(((Number) page.executeScript("return document.documentElement.scrollWidth")).intValue())
                .as("no sideways scrolling at %d px", viewport).isLessThanOrEqualTo(viewport);
        assertThat(page.executeScript("return getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(17, 21, 28)");
        screenshot("inbox-phone-dark");
        browser.findElements(By.cssSelector("#inbox tbody tr")).get(0).click();
        wait.until(ExpectedConditions.textToBe(By.id("message-subject"), "Message 003"));
        assertThat(browser.findElement(By.id("view-inbox")).isDisplayed()).as("a message takes the whole phone").isFalse();
        assertThat(browser.findElement(By.id("tab-text")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("tab-headers")).isDisplayed()).as("only the tab chosen is shown").isFalse();
        assertThat(((Number) page.executeScript("return document.documentElement.scrollWidth")).intValue())
                .isLessThanOrEqualTo(viewport);
        screenshot("message-phone-dark");
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        assertThat(page.executeScript("return getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(250, 251, 252)");
    }

    @Test
    void the_port_mode_is_one_choice_and_an_active_preset_takes_new_parameters() {
        open("#/failures");
        WebElement refused = wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("input[name=port-mode][value=refused]")));
        assertThat(browser.findElement(By.cssSelector("input[name=port-mode][value=normal]")).isSelected()).isTrue();
        refused.click();
        wait.until(driver -> smtp.scenario().connectionMode() == ConnectionMode.REFUSED);
        browser.findElement(By.cssSelector("input[name=port-mode][value=blocked]")).click();
        wait.until(driver -> smtp.scenario().connectionMode() == ConnectionMode.BLOCKED);
        assertThat(smtp.scenario().presets()).containsExactly("blocked");
        assertThat(browser.findElements(By.id("preset-blocked"))).as("not a checkbox among the presets").isEmpty();
        browser.findElement(By.cssSelector("input[name=port-mode][value=normal]")).click();
        wait.until(driver -> smtp.scenario().connectionMode() == ConnectionMode.NORMAL);
        assertThat(smtp.scenario().presets()).isEmpty();

        WebElement parameters = browser.findElement(By.cssSelector("input[aria-label='invalid-sender parameters']"));
        parameters.sendKeys("addresses=a@example.test");
        WebElement toggle = browser.findElement(By.id("preset-invalid-sender"));
        toggle.click();
        wait.until(driver -> smtp.scenario().presets().contains("invalid-sender:addresses=a@example.test"));
        // The page draws the presets anew from the server's answer: the field to type in is the new one.
        wait.until(ExpectedConditions.stalenessOf(toggle));
        parameters = browser.findElement(By.cssSelector("input[aria-label='invalid-sender parameters']"));
        parameters.sendKeys(Keys.chord(Keys.CONTROL, "a"), "addresses=b@example.test", Keys.ENTER);
        wait.until(driver -> smtp.scenario().presets().contains("invalid-sender:addresses=b@example.test"));
        assertThat(smtp.scenario().presets()).containsExactly("invalid-sender:addresses=b@example.test");
    }
}
