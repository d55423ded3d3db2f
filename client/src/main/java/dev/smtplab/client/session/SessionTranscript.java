package dev.smtplab.client.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What was said both ways in an interactive session. The typing thread adds client lines while
 * the reply thread adds server lines, so every access holds the lock.
 */
public final class SessionTranscript {
    private final List<String> lines = new ArrayList<>();

    synchronized void client(String line) {
        lines.add("C: " + line);
    }

    synchronized void server(String line) {
        lines.add("S: " + line);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Writes a consistent copy; returns how many lines were written. */
    public int save(Path file) throws IOException {
        List<String> copy = lines();
        Files.write(file, copy, StandardCharsets.UTF_8);
        return copy.size();
    }
}
