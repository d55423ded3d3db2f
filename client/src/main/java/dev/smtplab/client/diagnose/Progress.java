package dev.smtplab.client.diagnose;

import dev.smtplab.client.i18n.Texts;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What diagnose is waiting for, shown on a terminal while it waits: a silent port can take the
 * whole reply timeout, and a blank screen for a minute looks like a hang.
 */
public final class Progress implements AutoCloseable {
    /** Shows nothing: for pipes, files and --json. */
    public static final Progress NONE = new Progress(null, null);
    private static final long EVERY_SECONDS = 2;

    private record Step(String what, long since) {
    }

    private final PrintWriter out;
    private final Texts texts;
    private final Map<String, Step> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;

    private Progress(PrintWriter out, Texts texts) {
        this.out = out;
        this.texts = texts;
        if (out == null) {
            ticker = null;
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "smtplab-progress");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(this::show, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    /** Writes what is still running every two seconds to {@code out} (standard error on a terminal). */
    public static Progress onTerminal(PrintWriter out, Texts texts) {
        return new Progress(out, texts);
    }

    /** The check of {@code where} is now doing {@code what} ("waiting for the banner"). */
    void step(String where, String what) {
        if (out != null) {
            running.put(where, new Step(what, System.nanoTime()));
        }
    }

    void done(String where) {
        running.remove(where);
    }

    private void show() {
        long now = System.nanoTime();
        running.forEach((where, step) -> {
            long seconds = TimeUnit.NANOSECONDS.toSeconds(now - step.since());
            if (seconds >= EVERY_SECONDS) {
                out.println(texts.get("diagnose.progress", where, step.what(), seconds));
            }
        });
        out.flush();
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
