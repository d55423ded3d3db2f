package dev.smtplab.client.session;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Lines from a pipe or a file: no prompts, no echo, nothing waited for. */
final class PipedLines implements LineSource {
    private final BufferedReader in;
    private final PrintWriter out;

    PipedLines(InputStream in, PrintWriter out) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
    }

    @Override
    public String readLine(String prompt) throws IOException {
        return in.readLine();
    }

    @Override
    public String readSecret(String prompt) throws IOException {
        return in.readLine();
    }

    @Override
    public synchronized void print(String line) {
        out.println(line);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
