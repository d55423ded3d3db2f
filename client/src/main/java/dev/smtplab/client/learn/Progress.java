package dev.smtplab.client.learn;

import dev.smtplab.client.AtomicFile;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What the learner has done, kept in {@code learn/progress.properties} in the data folder: for each
 * lesson, how many of its steps were reached at best, and whether it was finished. Written to a
 * temporary file and moved into place, so a crash never leaves half a file.
 */
final class Progress {
    private final Path file;
    private final Properties values = new Properties();

    private Progress(Path file) {
        this.file = file;
    }

    static Progress load(Path folder) throws IOException {
        Progress progress = new Progress(folder.resolve("progress.properties"));
        if (Files.exists(progress.file)) {
            try (Reader reader = Files.newBufferedReader(progress.file, StandardCharsets.UTF_8)) {
                progress.values.load(reader);
            } catch (IllegalArgumentException e) {
                throw new IOException(progress.file + " is not a progress file SMTP Lab wrote (" + e.getMessage()
                        + "); move it away to start afresh", e);
            }
        }
        return progress;
    }

    /** The most steps of the lesson ever reached. */
    synchronized int stepsReached(Lesson lesson) {
        try {
            return Math.max(0, Integer.parseInt(values.getProperty(lesson.id() + ".steps", "0").trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    synchronized boolean finished(Lesson lesson) {
        return Boolean.parseBoolean(values.getProperty(lesson.id() + ".finished", "false").trim());
    }

    /** A step was reached: remembered at once, so a lesson left halfway shows how far it got. */
    synchronized void reached(Lesson lesson, int steps) throws IOException {
        if (steps > stepsReached(lesson)) {
            values.setProperty(lesson.id() + ".steps", Integer.toString(steps));
        }
        if (steps >= lesson.steps().size()) {
            values.setProperty(lesson.id() + ".finished", "true");
        }
        save();
    }

    private void save() throws IOException {
        Files.createDirectories(file.getParent());
        StringWriter text = new StringWriter();
        values.store(text, "smtplab learn: steps reached per lesson");
        AtomicFile.write(file, text.toString());
    }
}
