package dev.smtplab.client.session;

import java.io.IOException;

/** Where typed lines come from: a terminal with editing and history, or a pipe. */
public interface LineSource extends AutoCloseable {
    /** Thrown by {@link #readLine} when the person presses Ctrl-C. */
    final class Interrupted extends RuntimeException {
        public Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    /**
     * The next line; null at the end of input (Ctrl-D, or the end of the pipe) or once
     * {@link #wakeUp()} was called.
     *
     * @throws Interrupted on Ctrl-C
     */
    String readLine(String prompt) throws IOException;

    /** A secret (a password): not echoed on a terminal; null when none comes. */
    String readSecret(String prompt) throws IOException;

    /** Asks a yes-or-no question; the answer is no unless the person says yes (a pipe cannot). */
    boolean confirm(String question) throws IOException;

    /** Changes the prompt of a read in progress (after a 354 the dialogue is in message mode). */
    default void prompt(String prompt) {
    }

    /** Prints a line without disturbing what is being typed. */
    void print(String line);

    /**
     * Whether Ctrl-C was pressed since the last read, while nothing was being read (a wait for the
     * network, say): taken, so one press counts once. A pipe has no Ctrl-C.
     */
    default boolean takeInterrupt() {
        return false;
    }

    /** Makes a waiting {@link #readLine} return null at once: the session is over. */
    void wakeUp();

    /** A person at a terminal, rather than a pipe or a file. */
    boolean interactive();

    @Override
    void close() throws IOException;
}
