package dev.smtplab.client.session;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Lines typed on a terminal (JLine): editing, history kept across sessions, and verb completion. */
final class TerminalLines implements LineSource {
    static final List<String> COMPLETIONS = List.of("EHLO", "HELO", "MAIL FROM:<", "RCPT TO:<", "DATA", "RSET",
            "NOOP", "VRFY", "EXPN", "HELP", "QUIT", "STARTTLS", "AUTH PLAIN", "AUTH LOGIN", "/starttls", "/auth plain",
            "/auth login", "/data", "/explain", "/save", "/help", "/quit");

    private final Terminal terminal;
    private final LineReader reader;
    private volatile boolean wokenUp;

    TerminalLines() throws IOException {
        terminal = TerminalBuilder.builder().system(true).build();
        reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("smtplab")
                .completer(new StringsCompleter(COMPLETIONS))
                .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".smtplab_history"))
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .build();
    }

    @Override
    public String readLine(String prompt) {
        return read(prompt, null);
    }

    @Override
    public String readSecret(String prompt) {
        try {
            return read(prompt, '*');
        } catch (Interrupted e) {
            return null;
        }
    }

    private String read(String prompt, Character mask) {
        if (wokenUp) {
            return null;
        }
        try {
            return mask == null ? reader.readLine(prompt) : reader.readLine(prompt, mask);
        } catch (EndOfFileException e) {
            return null;
        } catch (UserInterruptException e) {
            if (wokenUp) {
                return null;
            }
            throw new Interrupted();
        }
    }

    @Override
    public boolean confirm(String question) {
        try {
            String answer = read(question + " [y/N] ", null);
            return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
        } catch (Interrupted e) {
            return false;
        }
    }

    /** The next redraw (printing a line above the prompt) shows it. */
    @Override
    public void prompt(String prompt) {
        if (reader instanceof org.jline.reader.impl.LineReaderImpl impl) {
            impl.setPrompt(prompt);
        }
    }

    @Override
    public void print(String line) {
        reader.printAbove(line);
    }

    /** The server closed: interrupt the prompt, as Ctrl-C would, but end the session quietly. */
    @Override
    public void wakeUp() {
        wokenUp = true;
        terminal.raise(Terminal.Signal.INT);
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }
}
