package dev.smtplab.harness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tmux for the tests that type into the client as a person does: commands, and what the pane shows. */
final class Tmux {
    private Tmux() {
    }

    /** Runs tmux with these arguments; its exit code, or -1 when it hangs. */
    static int run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** The pane's text with its history, wrapped lines joined. */
    static String capture(String session) throws Exception {
        Process capture = new ProcessBuilder("tmux", "capture-pane", "-p", "-J", "-S", "-", "-t", session)
                .redirectErrorStream(true).start();
        String text = new String(capture.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        capture.waitFor(10, TimeUnit.SECONDS);
        return text;
    }
}
