package dev.smtplab.server.smtp;

import dev.smtplab.server.bounce.Notice;
import dev.smtplab.server.record.AppendOnlyList;
import dev.smtplab.server.record.Direction;
import dev.smtplab.server.record.Recipient;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.Rejection;
import dev.smtplab.server.record.RuleFiring;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.record.TranscriptLine;
import dev.smtplab.server.scenario.SmtpStage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Records one connection: its transcript, its transactions and how it ended, and publishes
 * session snapshots to the store. Fed by the socket taps and the command decorators, mostly from
 * the session's own thread; synchronized because the server may close a connection from another.
 */
final class ConnectionRecorder {
    /** A session that talks forever must not take the heap with it: the cap for each list of facts. */
    static final int MAX_TRANSCRIPT_LINES = 10_000;

    private static final java.util.Set<String> JUNK_COMMANDS = java.util.Set.of("HELO", "EHLO", "NOOP", "RSET", "VRFY");

    private final ServerContext server;
    private final String sessionId;
    private final long connectionIndex;
    private final String clientAddress;
    private final int clientPort;
    private final Instant startedAt;
    private final ServerContext.OpenCounts openAtConnect;
    /** The inbox of the listener this connection came through, or null for the main ports. */
    private final String listenerInbox;
    /** The inboxes this session's mail went to (and its listener's), in order, no repeats. */
    private final java.util.LinkedHashSet<String> inboxes = new java.util.LinkedHashSet<>();

    private final AppendOnlyList<TranscriptLine> transcript = new AppendOnlyList<>();
    private long omittedTranscriptLines;
    private final AppendOnlyList<String> messageIds = new AppendOnlyList<>();
    private final AppendOnlyList<RuleFiring> rulesFired = new AppendOnlyList<>();
    private final AppendOnlyList<Rejection> rejections = new AppendOnlyList<>();
    private int pipelinedCommands;
    private String helo;

    /** The stage the next reply answers: set as each command line, or the message's end, arrives. */
    private SmtpStage replyStage = SmtpStage.CONNECT;

    private final StringBuilder replyInProgress = new StringBuilder();
    private int lastReplyCode;
    private String lastReply = "";
    private int greetingCode;
    /** Error replies and junk commands since the last accepted message, which forgives them (as Postfix does). */
    private int errors;
    private int junkCommands;
    private int authFailures;
    /** The message whose 250 is being written; stored as that reply is recorded. */
    private RecordedMessage acceptedMessage;
    /** What waits for the accepted message to be stored (see {@link #afterStored}). */
    private Runnable whenStored;

    private int transactionsStarted;
    private Transaction transaction;
    /** Notifications rules asked for in the transaction in progress (see {@link #noticeLater}). */
    private final java.util.Map<String, Notice> notices = new java.util.HashMap<>();

    private String endedBy;
    private String tlsProtocol;
    private String tlsCipher;
    private String authUser;
    private MessageCut messageCut;
    private List<String> lookAlikes = List.of();
    private boolean quitAccepted;
    private boolean clientHungUp;
    private boolean clientTimedOut;
    private String timeoutDetail;
    private boolean serverStopping;
    private boolean finished;

    /** The envelope of the transaction in progress. */
    private record Transaction(int index, String helo, EnvelopeCommand mailFrom, List<Recipient> recipients) {
    }

    ConnectionRecorder(ServerContext server, long connectionIndex, String clientAddress, int clientPort,
                       String listenerInbox) {
        this.server = server;
        this.listenerInbox = listenerInbox;
        if (listenerInbox != null) {
            inboxes.add(listenerInbox);
        }
        this.connectionIndex = connectionIndex;
        this.sessionId = Long.toString(connectionIndex);
        this.clientAddress = clientAddress;
        this.clientPort = clientPort;
        this.startedAt = server.clock.instant();
        this.openAtConnect = server.opened(this);
        RecordedSession started = snapshot();
        server.store.putSession(started);
        server.sessionStarted(started);
    }

    /** This session as it stands now, for a live view. */
    RecordedSession current() {
        return snapshot();
    }

    String sessionId() {
        return sessionId;
    }

    /** The inbox of the listener this connection came through, or null for the main ports. */
    String listenerInbox() {
        return listenerInbox;
    }

    /** Connections open when this one was accepted, this one included. */
    ServerContext.OpenCounts openAtConnect() {
        return openAtConnect;
    }

    String clientAddress() {
        return clientAddress;
    }

    /** The name the client gave in its last HELO or EHLO that was answered; null before one. */
    synchronized String helo() {
        return helo;
    }

    /** Whether malformed commands get Postfix's replies (the default) rather than SubEthaSMTP's. */
    boolean strict() {
        return server.strict != null;
    }

    synchronized void clientLine(String text) {
        append(Direction.CLIENT, text);
    }

    /** The command just recorded arrived with the client's next command behind it (RFC 2920). */
    synchronized void commandPipelined() {
        pipelinedCommands++;
    }

    synchronized void event(String text) {
        append(Direction.EVENT, text);
    }

    /**
     * A server line, recorded before it is sent; a line with a space (or nothing) after the code ends
     * the reply. The reply that ends a message's transaction stores the message: only now, so that
     * whoever finds the message finds its session complete up to that reply, and still before the
     * client can read it, so a client that saw the 250 finds the message.
     *
     * @return true when the line ended a reply
     */
    boolean serverLine(String line) {
        boolean lastLineOfReply;
        RecordedMessage accepted = null;
        synchronized (this) {
            lastLineOfReply = recordServerLine(line);
            if (lastLineOfReply && acceptedMessage != null) {
                accepted = takeAcceptedMessage();
            }
        }
        if (accepted != null) {
            store(accepted);
        }
        return lastLineOfReply;
    }

    private boolean recordServerLine(String line) {
        append(Direction.SERVER, line);
        if (replyInProgress.length() > 0) {
            replyInProgress.append("\r\n");
        }
        replyInProgress.append(line);
        boolean lastLineOfReply = line.length() < 4 || line.charAt(3) != '-';
        if (lastLineOfReply) {
            lastReplyCode = replyCode(line);
            lastReply = replyInProgress.toString();
            replyInProgress.setLength(0);
            if (greetingCode == 0) {
                greetingCode = lastReplyCode;
            }
            if (lastReplyCode >= 400 && lastReplyCode <= 599) {
                errors++;
                if (rejections.size() < MAX_TRANSCRIPT_LINES) {
                    rejections.add(new Rejection(server.clock.instant(), replyStage, lastReplyCode, lastReply));
                }
            }
            // 221 is the answer to QUIT (RFC 5321, 4.1.1.10); SubEthaSMTP closes right after sending it.
            if (lastReplyCode == 221) {
                quitAccepted = true;
            }
            server.replySent(sessionId, lastReplyCode);
        }
        return lastLineOfReply;
    }

    /** The next reply answers this stage. */
    synchronized void replyStage(SmtpStage stage) {
        replyStage = stage;
    }

    /**
     * Postfix's error count: 4xx and 5xx replies, and junk commands past the limit, since the last
     * accepted message.
     */
    synchronized int errorCount() {
        return errors;
    }

    synchronized int lastReplyCode() {
        return lastReplyCode;
    }

    /**
     * Called by the command decorator once SubEthaSMTP has answered a command.
     *
     * @param envelope the MAIL or RCPT line's address and parameters, or null for other verbs
     */
    synchronized void commandAnswered(String verb, EnvelopeCommand envelope, String heloInForce) {
        helo = heloInForce;
        // Commands that cost a client nothing: past the limit each one counts as an error, as in
        // Postfix (whose test is junk_cmds++ > limit, so the limit itself is still free).
        if (JUNK_COMMANDS.contains(verb) && junkCommands++ > server.settings.limits().maxJunkCommands()) {
            errors++;
        }
        boolean positive = lastReplyCode >= 200 && lastReplyCode < 400;
        switch (verb) {
            case "MAIL" -> {
                if (positive) {
                    transactionsStarted++;
                    transaction = new Transaction(transactionsStarted, helo, envelope, new ArrayList<>());
                }
            }
            case "RCPT" -> {
                if (transaction != null) {
                    transaction.recipients().add(
                            new Recipient(envelope.address(), envelope.parameters(), lastReplyCode, lastReply));
                }
            }
            default -> {
            }
        }
    }

    /** An AUTH exchange ended in 535: counted for the session. */
    synchronized int authFailed() {
        return ++authFailures;
    }

    synchronized int authFailures() {
        return authFailures;
    }

    /** The MAIL FROM address of the transaction in progress, or null. */
    synchronized String currentSender() {
        return transaction == null ? null : transaction.mailFrom().address();
    }

    /** The RCPT TO addresses given so far in the transaction in progress. */
    synchronized List<String> currentRecipients() {
        return transaction == null ? List.of() : transaction.recipients().stream().map(Recipient::address).toList();
    }

    /** The TLS handshake completed: recorded for the session and every later message. */
    synchronized void tlsStarted(String protocol, String cipher) {
        tlsProtocol = protocol;
        tlsCipher = cipher;
        append(Direction.EVENT, "TLS started: " + protocol + ", " + cipher);
    }

    /** The client logged in. */
    synchronized void authenticated(String user) {
        if (authUser == null || !authUser.equals(user)) {
            authUser = user;
            append(Direction.EVENT, "authenticated as " + user);
        }
    }

    synchronized String authUser() {
        return authUser;
    }

    synchronized boolean overTls() {
        return tlsProtocol != null;
    }

    /** A rule ended the session; this becomes the outcome's detail. */
    synchronized void endedBy(String detail) {
        if (endedBy == null) {
            endedBy = detail;
        }
    }

    /** The end-of-data look-alikes the content of the message now ending held (SMTP smuggling). */
    synchronized void endOfDataLookAlikes(List<String> found) {
        lookAlikes = found;
        if (!found.isEmpty()) {
            append(Direction.EVENT, "the message holds " + String.join(", ", found) + ": end-of-data look-alikes a "
                    + "lenient server would take as the end (SMTP smuggling); kept as message text");
        }
    }

    /** A reset asked for at DATA, carried out once this many octets of the message arrived. */
    record MessageCut(String by, long afterOctets) {
    }

    /** {@code by} ("rule X") asked to reset the connection after this many octets of the coming message. */
    synchronized void dropMessageAfter(String by, long octets) {
        messageCut = new MessageCut(by, octets);
    }

    /** The cut asked for the message in progress, or null; asking clears it. */
    synchronized MessageCut takeMessageCut() {
        MessageCut cut = messageCut;
        messageCut = null;
        return cut;
    }

    /** The transaction ended without a message (RSET, a new EHLO, a rejection, or the end). */
    synchronized void transactionEnded() {
        transaction = null;
        notices.clear();
    }

    /** A rule asks for a notification about this recipient (null: every recipient) if the message is accepted. */
    synchronized void noticeLater(String recipient, Notice notice) {
        notices.put(recipient == null ? null : recipient.toLowerCase(java.util.Locale.ROOT), notice);
    }

    /** The notifications asked for in this transaction, by recipient in lower case (null: every recipient). */
    synchronized java.util.Map<String, Notice> takeNotices() {
        java.util.Map<String, Notice> taken = new java.util.HashMap<>(notices);
        notices.clear();
        return taken;
    }

    /**
     * Ends the transaction in progress with its message and returns it; called before the 250, which
     * stores it (see {@link #serverLine}).
     */
    synchronized RecordedMessage completeTransaction(byte[] data) {
        if (transaction == null) {
            throw new IllegalStateException("message data without a MAIL transaction in session " + sessionId);
        }
        RecordedMessage message = new RecordedMessage(server.nextMessageId(), sessionId, connectionIndex,
                transaction.index(), server.clock.instant(), clientAddress, clientPort, transaction.helo(),
                transaction.mailFrom().address(), transaction.mailFrom().parameters(),
                transaction.recipients(), data, tlsProtocol, tlsCipher, authUser, lookAlikes,
                server.inboxes.route(listenerInbox, authUser, acceptedAddresses(transaction.recipients())));
        lookAlikes = List.of();
        errors = 0;
        junkCommands = 0;
        transaction = null;
        acceptedMessage = message;
        return message;
    }

    private static List<String> acceptedAddresses(List<Recipient> recipients) {
        List<String> accepted = new ArrayList<>(recipients.size());
        for (Recipient recipient : recipients) {
            if (recipient.accepted()) {
                accepted.add(recipient.address());
            }
        }
        return accepted;
    }

    /** The message of the transaction just completed will not be stored after all (the store could not keep it). */
    synchronized void abandonAcceptedMessage(String why) {
        acceptedMessage = null;
        whenStored = null;
        append(Direction.EVENT, why);
    }

    private RecordedMessage takeAcceptedMessage() {
        RecordedMessage message = acceptedMessage;
        acceptedMessage = null;
        messageIds.add(message.id());
        inboxes.add(message.inbox());
        return message;
    }

    /** The session's snapshot first: whoever the message wakes finds its session up to date. */
    private void store(RecordedMessage message) {
        publish();
        server.store.addMessage(message);
        server.messageReceived(message);
        Runnable then;
        synchronized (this) {
            then = whenStored;
            whenStored = null;
        }
        if (then != null) {
            then.run();
        }
    }

    /**
     * Runs this once the message just accepted is stored and announced (after its 250): what must not
     * come before the message itself, such as a notification about it.
     */
    synchronized void afterStored(Runnable then) {
        whenStored = then;
    }

    synchronized void clientHungUp() {
        clientHungUp = true;
    }

    /**
     * A read ran into a timeout; SubEthaSMTP answers it with a 421 and closes.
     *
     * @param deadline which deadline passed, or null for the idle timeout
     */
    synchronized void clientTimedOut(String deadline) {
        clientTimedOut = true;
        timeoutDetail = deadline;
    }

    synchronized void serverStopping() {
        serverStopping = true;
    }

    /** The socket closed: settle the outcome and publish the final snapshot. Idempotent. */
    void finish() {
        RecordedMessage accepted;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            // Accepted, but the connection ended before its reply was written: still kept.
            accepted = acceptedMessage != null ? takeAcceptedMessage() : null;
        }
        if (accepted != null) {
            store(accepted);
        }
        server.closed(this);
        server.sessionEnded(publish());
    }

    /** A rule fired: into the transcript, and out to listeners. */
    void ruleFired(String ruleId, SmtpStage stage, String description) {
        synchronized (this) {
            append(Direction.EVENT, "rule " + ruleId + " fired at " + stage.key() + ": " + description);
            if (rulesFired.size() < MAX_TRANSCRIPT_LINES) {
                rulesFired.add(new RuleFiring(server.clock.instant(), ruleId, stage, description));
            }
        }
        server.ruleFired(sessionId, ruleId, stage);
    }

    private RecordedSession publish() {
        RecordedSession snapshot = snapshot();
        server.store.putSession(snapshot);
        return snapshot;
    }

    private synchronized RecordedSession snapshot() {
        SessionOutcome outcome = finished ? outcome() : SessionOutcome.ACTIVE;
        return new RecordedSession(sessionId, connectionIndex, clientAddress, clientPort, startedAt,
                finished ? server.clock.instant() : null, helo, outcome, outcomeDetail(outcome),
                transcript.snapshot(), omittedTranscriptLines, messageIds.snapshot(), tlsProtocol, tlsCipher, authUser,
                rulesFired.snapshot(), rejections.snapshot(),
                pipelinedCommands, List.copyOf(inboxes));
    }

    private SessionOutcome outcome() {
        if (greetingCode != 0 && greetingCode != 220) {
            return SessionOutcome.REJECTED;
        }
        if (quitAccepted) {
            return messageIds.isEmpty() ? SessionOutcome.CLIENT_QUIT : SessionOutcome.COMPLETED;
        }
        if (clientTimedOut && endedBy == null) {
            return SessionOutcome.TIMED_OUT;
        }
        return SessionOutcome.DROPPED;
    }

    private String outcomeDetail(SessionOutcome outcome) {
        return switch (outcome) {
            case ACTIVE -> "connected";
            case COMPLETED -> "the client sent QUIT after " + messageIds.size() + " message(s)";
            case CLIENT_QUIT -> "the client sent QUIT without sending a message";
            case REJECTED -> endedBy != null ? endedBy : "the server refused the session: " + lastReply;
            case TIMED_OUT -> timeoutDetail != null ? timeoutDetail
                    : "the client sent nothing for " + server.settings.idleTimeoutSeconds() + " s (--idle-timeout)";
            case DROPPED -> {
                if (endedBy != null) {
                    yield endedBy;
                } else if (serverStopping) {
                    yield "the server shut down";
                } else if (greetingCode == 0) {
                    yield "the connection closed before the greeting";
                } else if (clientHungUp) {
                    yield "the client closed the connection without QUIT";
                } else {
                    yield "the server closed the connection after: " + lastReply;
                }
            }
        };
    }

    private void append(Direction direction, String text) {
        if (transcript.size() < MAX_TRANSCRIPT_LINES) {
            TranscriptLine line = new TranscriptLine(server.clock.instant(), direction, text);
            int index = transcript.size();
            transcript.add(line);
            server.transcriptLine(sessionId, index, line);
        } else {
            omittedTranscriptLines++;
        }
    }

    private static int replyCode(String line) {
        if (line.length() < 3) {
            return 0;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }
}
