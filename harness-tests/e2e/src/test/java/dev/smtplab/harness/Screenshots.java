package dev.smtplab.harness;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Screenshots compared with reference images committed in the repository
 * (harness-tests/e2e/src/test/resources/screenshots): a pixel counts as changed when a colour channel
 * moved by more than {@link #CHANNEL_TOLERANCE}, and a screenshot fails when more than
 * {@link #CHANGED_PIXELS} of its pixels changed. What differs from run to run (times, ports) is
 * hidden before the shot. A failure writes the screenshot and a diff (changed pixels in red) to
 * target/screenshots; {@code -Dscreenshots.update=true} writes new references instead.
 */
final class Screenshots {
    static final int CHANNEL_TOLERANCE = 24;
    static final double CHANGED_PIXELS = 0.005;
    private static final Path REFERENCES = Peers.root().resolve("harness-tests/e2e/src/test/resources/screenshots");
    private static final Path OUTPUT = Peers.root().resolve("harness-tests/e2e/target/screenshots");
    /**
     * Text that changes from run to run, hidden (its space kept) so that only the page's own look is
     * compared. Hidden through each element's style: the page's CSP refuses a style sheet of a test's.
     */
    private static final String HIDE_VARYING = "td.time, .transcript .at, #message-envelope dd, #session-title, #check-updated";

    private Screenshots() {
    }

    static void assertLooksLike(ChromeDriver browser, String name) throws IOException {
        browser.executeScript("document.querySelectorAll(arguments[0]).forEach(e => { e.dataset.shot = e.style.visibility;"
                + " e.style.visibility = 'hidden'; }); document.querySelectorAll('tr.fresh').forEach(e => e.classList.remove('fresh'));",
                HIDE_VARYING);
        byte[] png;
        try {
            png = browser.getScreenshotAs(OutputType.BYTES);
        } finally {
            browser.executeScript("document.querySelectorAll(arguments[0]).forEach(e => { e.style.visibility = e.dataset.shot;"
                    + " delete e.dataset.shot; })", HIDE_VARYING);
        }
        Files.createDirectories(OUTPUT);
        Files.write(OUTPUT.resolve(name + ".png"), png);
        Path reference = REFERENCES.resolve(name + ".png");
        if (Boolean.getBoolean("screenshots.update")) {
            Files.createDirectories(REFERENCES);
            Files.write(reference, png);
            return;
        }
        if (!Files.exists(reference)) {
            fail("no reference image " + reference + ": look at " + OUTPUT.resolve(name + ".png")
                    + " and, if it is right, run with -Dscreenshots.update=true to make it the reference");
        }
        BufferedImage actual = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage expected = ImageIO.read(reference.toFile());
        assertThat(actual.getWidth() + "x" + actual.getHeight()).as(name + ": size")
                .isEqualTo(expected.getWidth() + "x" + expected.getHeight());
        BufferedImage diff = new BufferedImage(actual.getWidth(), actual.getHeight(), BufferedImage.TYPE_INT_RGB);
        long changed = 0;
        for (int y = 0; y < actual.getHeight(); y++) {
            for (int x = 0; x < actual.getWidth(); x++) {
                int a = actual.getRGB(x, y);
                int e = expected.getRGB(x, y);
                boolean differs = channel(a, 16, e) || channel(a, 8, e) || channel(a, 0, e);
                changed += differs ? 1 : 0;
                diff.setRGB(x, y, differs ? 0xff0000 : (e & 0xfefefe) >> 1 | 0x808080);
            }
        }
        double share = (double) changed / ((long) actual.getWidth() * actual.getHeight());
        if (share > CHANGED_PIXELS) {
            ImageIO.write(diff, "png", OUTPUT.resolve(name + "-diff.png").toFile());
            fail(String.format("%s: %.2f%% of the pixels differ from %s (more than %.1f%%); see %s and %s-diff.png",
                    name, share * 100, reference, CHANGED_PIXELS * 100, OUTPUT.resolve(name + ".png"), name));
        }
    }

    private static boolean channel(int a, int shift, int e) {
        return Math.abs(((a >> shift) & 0xff) - ((e >> shift) & 0xff)) > CHANNEL_TOLERANCE;
    }
}
