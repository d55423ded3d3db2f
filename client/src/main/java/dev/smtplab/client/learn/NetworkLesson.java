package dev.smtplab.client.learn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A lesson about what comes before the dialogue (connecting, the MX lookup, the ports): typed at a
 * prompt that runs the walkthrough's telnet, nslookup and openssl s_client against the servers and
 * the DNS it starts in this process on loopback.
 *
 * @param network starts the lesson's servers, in a folder of the lesson's own (for TLS material)
 */
record NetworkLesson(int number, String id, List<Step<Probe>> steps, Setup network) implements Lesson {
    /** Starts what a lesson's commands reach. */
    @FunctionalInterface
    interface Setup {
        LabNetwork start(Path folder) throws IOException;
    }
}
