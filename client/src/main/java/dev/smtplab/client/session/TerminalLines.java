package dev.smtplab.client.session;

import dev.smtplab.client.i18n.Utf8Output;
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
    /** Ctrl-C pressed between two reads: the next read reports it. */
    private volatile boolean interruptPending;
    private volatile Thread readingThread;

    TerminalLines() throws IOException {
        terminal = TerminalBuilder.builder().system(true).encoding(Utf8Output.terminalCharset()).build();
        reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("smtplab")
                .completer(new StringsCompleter(COMPLETIONS))
                .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".smtplab_history"))
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .build();
        // Outside a read, Ctrl-C must not kill the JVM (the default): it is kept for the next read.
        // During a read, JLine puts its own handler in place, which ends the read.
        terminal.handle(Terminal.Signal.INT, signal -> interruptPending = true);
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
        if (interruptPending && !wokenUp) {
            interruptPending = false;
            throw new Interrupted();
        }
        readingThread = Thread.currentThread();
        try {
            if (wokenUp) {
                return null;
            }
            return mask == null ? reader.readLine(prompt) : reader.readLine(prompt, mask);
        } catch (EndOfFileException e) {
            return null;
        } catch (UserInterruptException | java.io.IOError e) {
            if (wokenUp) {
                if (e instanceof UserInterruptException interrupted && interrupted.getPartialLine().isEmpty()) {
                    // An empty prompt the session will never answer: take it off the screen.
                    terminal.writer().print("\u001b[1A\u001b[2K");
                    terminal.writer().flush();
                }
                return null;
            }
            if (e instanceof java.io.IOError) {
                throw e;
            }
            throw new Interrupted();
        } finally {
            readingThread = null;
            Thread.interrupted();
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

    @Override
    public boolean takeInterrupt() {
        boolean pending = interruptPending;
        interruptPending = false;
        return pending;
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

    /**
     * The server closed: interrupt the prompt, as Ctrl-C would, but end the session quietly. A
     * read may be just starting, before JLine listens for the signal, so keep knocking (briefly)
     * until the read has returned.
     */
    @Override
    public void wakeUp() {
        wokenUp = true;
        Thread knocker = new Thread(() -> {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
            do {
                Thread reading = readingThread;
                if (reading == null) {
                    return;
                }
                terminal.raise(Terminal.Signal.INT);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            } while (System.nanoTime() < deadline);
        }, "smtplab-wake-up");
        knocker.setDaemon(true);
        knocker.start();
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
