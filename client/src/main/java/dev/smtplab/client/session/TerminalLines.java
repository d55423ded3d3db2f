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

/** Lines typed on a terminal (JLine): editing, history kept across sessions, and verb completion. */
final class TerminalLines implements LineSource {
    static final List<String> COMPLETIONS = List.of("EHLO", "HELO", "MAIL FROM:<", "RCPT TO:<", "DATA", "RSET",
            "NOOP", "VRFY", "EXPN", "HELP", "QUIT", "STARTTLS", "AUTH PLAIN", "AUTH LOGIN", "/starttls", "/auth plain",
            "/auth login", "/data", "/explain", "/save", "/help", "/quit");

    private final Terminal terminal;
    private final LineReader reader;

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
        try {
            return reader.readLine(prompt);
        } catch (EndOfFileException | UserInterruptException e) {
            return null;
        }
    }

    @Override
    public String readSecret(String prompt) {
        try {
            return reader.readLine(prompt, '*');
        } catch (EndOfFileException | UserInterruptException e) {
            return null;
        }
    }

    @Override
    public void print(String line) {
        reader.printAbove(line);
    }

    @Override
    public void close() throws IOException {
        terminal.close();
    }
}
