package dev.smtplab.server.record;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one SMTP connection: who connected, everything said both ways, and how it ended.
 * Sessions that never reached MAIL, and sessions the server refused, are recorded too.
 *
 * @param id                      unique within the server's lifetime
 * @param connectionIndex         1 for the server's first connection, 2 for the next ...
 * @param clientAddress           the client's IP address, never looked up in DNS
 * @param clientPort              the client's TCP port
 * @param startedAt               when the connection was accepted
 * @param endedAt                 when it closed; null while {@link SessionOutcome#ACTIVE}
 * @param helo                    the last HELO/EHLO name the client gave; null if none
 * @param outcome                 how the session ended (or ACTIVE)
 * @param outcomeDetail           one sentence that says why, for people
 * @param transcript              every line both ways, AUTH secrets masked
 * @param omittedTranscriptLines  lines left out once the transcript reached its cap
 * @param messageIds              the ids of the messages this session delivered, in order
 * @param tlsProtocol             the TLS protocol once TLS started ("TLSv1.3"); null over plain text
 * @param tlsCipher               the TLS cipher suite; null over plain text
 * @param authUser                the user the client logged in as; null if it did not
 * @param rulesFired              the rules (and responder answers) that fired, in order
 * @param rejections              every 4xx and 5xx reply, in order, with the stage it answered
 * @param pipelinedCommands       commands that arrived with the client's next command already behind
 *                                them, before their reply (RFC 2920 PIPELINING); 0 for a client that
 *                                waits for each reply
 * @param inboxes                 the inboxes this session's mail went to, and the inbox of the
 *                                listener it came through if that has one; empty for neither
 */
public record RecordedSession(
        String id,
        long connectionIndex,
        String clientAddress,
        int clientPort,
        Instant startedAt,
        Instant endedAt,
        String helo,
        SessionOutcome outcome,
        String outcomeDetail,
        List<TranscriptLine> transcript,
        long omittedTranscriptLines,
        List<String> messageIds,
        String tlsProtocol,
        String tlsCipher,
        String authUser,
        List<RuleFiring> rulesFired,
        List<Rejection> rejections,
        int pipelinedCommands,
        List<String> inboxes) {

    public RecordedSession {
        inboxes = inboxes == null ? List.of() : List.copyOf(inboxes);
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(outcomeDetail, "outcomeDetail");
        transcript = AppendOnlyList.unmodifiable(transcript);
        messageIds = AppendOnlyList.unmodifiable(messageIds);
        rulesFired = AppendOnlyList.unmodifiable(rulesFired);
        rejections = AppendOnlyList.unmodifiable(rejections);
    }

    /** This session with another transcript: for a store that keeps the lines apart from the rest. */
    public RecordedSession withTranscript(List<TranscriptLine> lines) {
        return new RecordedSession(id, connectionIndex, clientAddress, clientPort, startedAt, endedAt, helo, outcome,
                outcomeDetail, lines, omittedTranscriptLines, messageIds, tlsProtocol, tlsCipher, authUser, rulesFired,
                rejections, pipelinedCommands, inboxes);
    }

    /** A session that names no inbox. */
    public RecordedSession(String id, long connectionIndex, String clientAddress, int clientPort, Instant startedAt,
                           Instant endedAt, String helo, SessionOutcome outcome, String outcomeDetail,
                           List<TranscriptLine> transcript, long omittedTranscriptLines, List<String> messageIds,
                           String tlsProtocol, String tlsCipher, String authUser, List<RuleFiring> rulesFired,
                           List<Rejection> rejections, int pipelinedCommands) {
        this(id, connectionIndex, clientAddress, clientPort, startedAt, endedAt, helo, outcome, outcomeDetail,
                transcript, omittedTranscriptLines, messageIds, tlsProtocol, tlsCipher, authUser, rulesFired, rejections,
                pipelinedCommands, List.of());
    }

    /** A session whose client never pipelined. */
    public RecordedSession(String id, long connectionIndex, String clientAddress, int clientPort, Instant startedAt,
                           Instant endedAt, String helo, SessionOutcome outcome, String outcomeDetail,
                           List<TranscriptLine> transcript, long omittedTranscriptLines, List<String> messageIds,
                           String tlsProtocol, String tlsCipher, String authUser, List<RuleFiring> rulesFired,
                           List<Rejection> rejections) {
        this(id, connectionIndex, clientAddress, clientPort, startedAt, endedAt, helo, outcome, outcomeDetail,
                transcript, omittedTranscriptLines, messageIds, tlsProtocol, tlsCipher, authUser, rulesFired, rejections,
                0);
    }

    /** A session without TLS, AUTH, rule or rejection facts. */
    public RecordedSession(String id, long connectionIndex, String clientAddress, int clientPort, Instant startedAt,
                           Instant endedAt, String helo, SessionOutcome outcome, String outcomeDetail,
                           List<TranscriptLine> transcript, long omittedTranscriptLines, List<String> messageIds) {
        this(id, connectionIndex, clientAddress, clientPort, startedAt, endedAt, helo, outcome, outcomeDetail,
                transcript, omittedTranscriptLines, messageIds, null, null, null, List.of(), List.of(), 0, List.of());
    }

    /** The last 4xx or 5xx reply the server sent, if any. */
    public Optional<Rejection> lastRejection() {
        return rejections.isEmpty() ? Optional.empty() : Optional.of(rejections.get(rejections.size() - 1));
    }

    public Optional<Instant> ended() {
        return Optional.ofNullable(endedAt);
    }

    public Optional<String> heloName() {
        return Optional.ofNullable(helo);
    }

    /** The transcript as text, one line each, "C: " for the client and "S: " for the server. */
    public String transcriptText() {
        StringBuilder text = new StringBuilder();
        for (TranscriptLine line : transcript) {
            text.append(line).append('\n');
        }
        if (omittedTranscriptLines > 0) {
            text.append("-- ").append(omittedTranscriptLines).append(" more lines not kept\n");
        }
        return text.toString();
    }
}
