package dev.smtplab.harness;

import dev.smtplab.client.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs smtplab in this JVM with its output captured, as a user's shell would see it. */
record ClientRun(int exitCode, String out, String err) {

    static ClientRun of(String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new ClientRun(exitCode, out.toString(), err.toString());
    }

    /** smtplab send --server 127.0.0.1:PORT, plus more; --from, --to and timeouts have defaults unless given. */
    static ClientRun send(int port, String... more) {
        List<String> given = List.of(more);
        List<String> args = new ArrayList<>(List.of("send", "--server", "127.0.0.1:" + port));
        if (!given.contains("--from")) {
            args.addAll(List.of("--from", "alice@example.test"));
        }
        if (!given.contains("--timeout-connect")) {
            args.addAll(List.of("--timeout-connect", "2"));
        }
        if (!given.contains("--timeout-reply")) {
            args.addAll(List.of("--timeout-reply", "5"));
        }
        if (!given.contains("--to")) {
            args.addAll(List.of("--to", "bob@example.test"));
        }
        args.addAll(List.of(more));
        return of(args.toArray(String[]::new));
    }
}
