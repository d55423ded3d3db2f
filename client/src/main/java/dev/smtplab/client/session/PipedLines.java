package dev.smtplab.client.session;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Lines from a pipe or a file: no prompts, no echo, nothing waited for. A thread of its own reads
 * them, so the session can end when the server closes even while the pipe stays open.
 */
final class PipedLines implements LineSource {
    private static final Object END = new Object();
    private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
    private final PrintWriter out;
    private volatile boolean ended;

    PipedLines(InputStream in, PrintWriter out) {
        this.out = out;
        Thread reader = new Thread(() -> {
            try (BufferedReader lineReader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lineReader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the end of the pipe, as far as the session is concerned
            } finally {
                lines.add(END);
            }
        }, "smtplab-stdin");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public String readLine(String prompt) {
        if (ended) {
            return null;
        }
        try {
            Object next = lines.take();
            if (next == END) {
                ended = true;
                return null;
            }
            return (String) next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public String readSecret(String prompt) {
        return readLine(prompt);
    }

    @Override
    public boolean confirm(String question) {
        print(question + " [y/N] no (standard input is not a terminal)");
        return false;
    }

    @Override
    public synchronized void print(String line) {
        out.println(line);
        out.flush();
    }

    @Override
    public void wakeUp() {
        lines.add(END);
    }

    @Override
    public boolean interactive() {
        return false;
    }

    @Override
    public void close() {
        ended = true;
    }
}
