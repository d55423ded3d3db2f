package dev.smtplab.harness;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's Chromium, headless, driven by its chromedriver, for the web UI's browser tests: the flags
 * this machine needs (no background networking, whose connections the closed network refuses), a
 * fresh profile, and whatever the test adds.
 */
final class Chromium {
    private Chromium() {
    }

    /** Skips the test, saying why, where Chromium or its driver is not installed. */
    static ChromeDriver start(String... extraArguments) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Peers.program("chromium", "chromium").toFile());
        List<String> arguments = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--no-first-run", "--user-data-dir=" + Files.createTempDirectory("smtplab-chromium")));
        arguments.addAll(List.of(extraArguments));
        options.addArguments(arguments);
        return new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Peers.program("chromedriver", "chromium-driver").toFile())
                .usingAnyFreePort().build(), options);
    }
}
