package dev.smtplab.client.send;

import dev.smtplab.client.protocol.TlsInfo;

import java.util.List;

/**
 * How a send went: every stage, TLS facts, and the result. This is what --json prints.
 *
 * @param server   host:port
 * @param result   "sent", "stopped" (at --quit-after) or "failed"
 * @param exitCode the process exit code (see {@link ExitCode})
 * @param error    what went wrong, for people; null when sent
 * @param hint     what to do about it; null when sent
 * @param queueId  the id the server gave in its 250 after the dot, when it gave one
 * @param rejectedRecipients recipients refused while others were accepted
 */
public record SendReport(String server, List<StageResult> stages, TlsInfo tls, String result, int exitCode,
                         String error, String hint, String queueId, List<String> rejectedRecipients) {
    public SendReport {
        stages = List.copyOf(stages);
        rejectedRecipients = List.copyOf(rejectedRecipients);
    }
}
