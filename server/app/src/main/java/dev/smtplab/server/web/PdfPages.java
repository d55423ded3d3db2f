package dev.smtplab.server.web;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A PDF attachment's pages drawn as PNG images (PDFBox), so the web UI previews a PDF inside the
 * page, in any browser, without a PDF viewer and without running anything the PDF holds. A PDF is
 * mail's hostile input too: one is read at a time, on one thread of its own, and a page that takes
 * longer than {@link #TIME_LIMIT} to draw is given up on; a page is drawn at most
 * {@link #MAX_WIDTH} by {@link #MAX_HEIGHT} pixels. The last pages drawn are kept, so paging back
 * and forth draws nothing twice.
 */
final class PdfPages {
    static final int MAX_WIDTH = 900;
    static final int MAX_HEIGHT = 1800;
    static final Duration TIME_LIMIT = Duration.ofSeconds(10);
    private static final int KEPT = 32;

    /** One drawer for the process: a PDF that hangs it cannot take more than one core. */
    private static final ExecutorService DRAWER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "pdf-preview");
        thread.setDaemon(true);
        return thread;
    });

    private final Map<String, Object> kept = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
            return size() > KEPT;
        }
    };

    /**
     * How many pages the PDF has.
     *
     * @param key  what names these bytes for the cache (message and attachment)
     * @param what the attachment, as errors name it
     */
    int pageCount(String key, byte[] pdf, String what) {
        return (Integer) keptOr(key, () -> draw(what, "read", () -> {
            try (PDDocument document = open(pdf, what)) {
                return document.getNumberOfPages();
            }
        }));
    }

    /** One page (counted from 1) as a PNG image. */
    byte[] page(String key, byte[] pdf, int page, String what) {
        int pages = pageCount(key, pdf, what);
        if (page < 1 || page > pages) {
            throw new ApiException(404, what + " has " + pages + (pages == 1 ? " page" : " pages") + ": there is no page "
                    + page);
        }
        return (byte[]) keptOr(key + "/" + page, () -> draw(what, "draw page " + page + " of", () -> {
            try (PDDocument document = open(pdf, what)) {
                PDPage shown = document.getPage(page - 1);
                PDRectangle box = shown.getCropBox();
                boolean turned = shown.getRotation() % 180 != 0;
                float width = turned ? box.getHeight() : box.getWidth();
                float height = turned ? box.getWidth() : box.getHeight();
                // Points are 1/72 inch: 96 dpi as a screen shows a page, smaller when it would not fit.
                float scale = Math.min(96f / 72f, Math.min(MAX_WIDTH / Math.max(1f, width), MAX_HEIGHT / Math.max(1f, height)));
                PDFRenderer renderer = new PDFRenderer(document);
                // A huge image inside the page is read at the size it is shown, not at its own.
                renderer.setSubsamplingAllowed(true);
                BufferedImage image = renderer.renderImage(page - 1, scale, ImageType.RGB);
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(image, "png", png);
                return png.toByteArray();
            }
        }));
    }

    private Object keptOr(String key, java.util.function.Supplier<Object> make) {
        synchronized (kept) {
            Object found = kept.get(key);
            if (found != null) {
                return found;
            }
        }
        Object made = make.get();
        synchronized (kept) {
            kept.put(key, made);
        }
        return made;
    }

    private static PDDocument open(byte[] pdf, String what) throws IOException {
        try {
            return Loader.loadPDF(pdf);
        } catch (InvalidPasswordException e) {
            throw new ApiException(422, what + " is protected by a password: download it and open it with the "
                    + "password");
        }
    }

    /** Runs on the drawer, within the time limit; what PDFBox cannot read is a 422 that says so. */
    private static <T> T draw(String what, String action, Callable<T> work) {
        Future<T> drawing = DRAWER.submit(work);
        try {
            return drawing.get(TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            drawing.cancel(true);
            throw new ApiException(503, "could not " + action + " " + what + " within " + TIME_LIMIT.toSeconds()
                    + " s; download it instead");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while trying to " + action + " " + what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApiException api) {
                throw api;
            }
            throw new ApiException(422, what + " cannot be read as a PDF: " + cause.getMessage()
                    + "; download it to look at its bytes");
        }
    }
}
