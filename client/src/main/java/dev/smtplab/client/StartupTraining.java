package dev.smtplab.client;

import dev.smtplab.server.FakeSmtpServer;

import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * The run the launcher records its class-data-sharing archive from (once per build): a whole
 * {@code smtplab send} to a fake server in this process, so that the archive holds what a real
 * send loads, the SMTP dialogue included, and not only what a send that finds nobody loads.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) {
        try (FakeSmtpServer server = FakeSmtpServer.builder().build().start()) {
            String[] send = {"send", "--server", server.host() + ":" + server.port(), "--from", "a@example.test",
                    "--to", "b@example.test"};
            PrintWriter nowhere = new PrintWriter(OutputStream.nullOutputStream());
            int exitCode = Main.commandLine(send).setOut(nowhere).setErr(nowhere).execute(send);
            if (exitCode != 0) {
                System.err.println("smtplab: the training send ended with exit code " + exitCode);
            }
        }
    }
}
