package dev.smtplab.client.session;

import java.io.IOException;

/** Where typed lines come from: a terminal with editing and history, or a pipe. */
public interface LineSource extends AutoCloseable {
    /** The next line, or null at the end of input. */
    String readLine(String prompt) throws IOException;

    /** A secret (a password): not echoed on a terminal. */
    String readSecret(String prompt) throws IOException;

    /** Prints a line without disturbing what is being typed. */
    void print(String line);

    @Override
    void close() throws IOException;
}
