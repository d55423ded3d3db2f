package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.SmtpStage;
import org.subethamail.smtp.internal.command.BdatCommand;

import java.io.IOException;
import java.io.InputStream;
import javax.net.ssl.SSLException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The client-to-server byte stream, between the socket and SubEthaSMTP. It records every command
 * line in the transcript and keeps malformed lines (too long, bare CR or LF, NUL, invalid UTF-8)
 * away from SubEthaSMTP, which would otherwise close the connection on them: such a line is
 * replaced by {@link #REJECTED_LINE}, whose command answers with a 500 and the session goes on.
 *
 * <p>Command lines are handed over one per read, so each is judged in the mode set by the replies
 * to the lines before it: message content after a 354, a BDAT chunk, an AUTH response after a 334.
 */
final class InboundTap extends InputStream {
    /**
     * RFC 5321, 4.5.3.1.4 has servers take command lines of at least 512 octets; real clients send
     * longer ones, and Postfix takes them (up to its line_length_limit, 2048, then cuts). SubEthaSMTP
     * reads fewer than 998 characters before the CRLF, so 999 octets is the limit here: past it a clear 500.
     */
    static final int MAX_COMMAND_LINE = 999;
    /** RFC 4954, 4: a line of an AUTH exchange is at most 12,288 octets. */
    static final int MAX_AUTH_LINE = 12_288;
    /** What SubEthaSMTP sees instead of a malformed line; the NUL keeps a client from sending it. */
    static final String REJECTED_LINE_VERB = "\0BAD";
    private static final byte[] REJECTED_LINE = (REJECTED_LINE_VERB + "\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOTHING = new byte[0];
    private static final int SHOWN_PREFIX = 80;

    private enum Mode { COMMAND, MESSAGE, CHUNK, PASSTHROUGH }

    /** The verbs this server knows; in the strict mode any other gets Postfix's 500. */
    private static final java.util.Set<String> KNOWN_VERBS = java.util.Set.of("EHLO", "HELO", "MAIL", "RCPT", "DATA",
            "BDAT", "RSET", "NOOP", "QUIT", "VRFY", "EXPN", "HELP", "AUTH", "STARTTLS");

    private final InputStream in;
    private final ConnectionRecorder recorder;
    private final ReadDeadlines deadlines;

    private final byte[] buffer = new byte[8192];
    private int bufferPos;
    private int bufferEnd;

    private byte[] ready = NOTHING;
    private int readyPos;

    private final byte[] line = new byte[MAX_AUTH_LINE + 1];
    private int lineLength;
    private long lineOverflow;

    private Mode mode = Mode.COMMAND;
    private final EndOfData endOfData = new EndOfData();
    private final EndOfDataLookAlikes lookAlikes = new EndOfDataLookAlikes();
    private boolean lastChunk;
    private long contentBytes;
    private long chunkRemaining;
    private boolean authResponseExpected;
    private boolean secretMayFollow;
    private String pendingRejection;
    private boolean hungUpRecorded;

    InboundTap(InputStream in, ConnectionRecorder recorder, ReadDeadlines deadlines) {
        this.in = in;
        this.recorder = recorder;
        this.deadlines = deadlines;
    }

    /** The server finished a reply with this code; 354 starts message content, 334 an AUTH response. */
    synchronized void onReply(int code) {
        authResponseExpected = code == 334;
        if (code == 354) {
            deadlines.messageExpected();
        } else {
            deadlines.commandExpected();
        }
        if (code == 354 && mode == Mode.COMMAND) {
            mode = Mode.MESSAGE;
            endOfData.start();
            lookAlikes.start();
            contentBytes = 0;
        }
    }

    /**
     * From now on the bytes are TLS records for the layer above: pass them on untouched. The
     * transcript continues from the TLS socket's own tap.
     */
    synchronized void passthrough() {
        mode = Mode.PASSTHROUGH;
        // Bytes that came with the STARTTLS line are plaintext a client had no business sending:
        // executing them after the handshake is the STARTTLS command injection (CVE-2011-0411).
        int injected = bufferEnd - bufferPos;
        if (injected > 0) {
            bufferPos = bufferEnd;
            recorder.event("discarded " + injected + " octets sent after STARTTLS, before the TLS handshake "
                    + "(a client must wait for the 220; commands sent along are STARTTLS command injection, "
                    + "CVE-2011-0411)");
        }
    }

    /**
     * The BDAT command is done. A chunk it did not read (the BDAT was refused) is read and
     * discarded in the strict mode, as Postfix does; the lenient mode parses it as commands, as
     * SubEthaSMTP does.
     */
    synchronized void chunkCommandDone() throws IOException {
        if (mode != Mode.CHUNK) {
            return;
        }
        if (recorder.strict()) {
            long discarded = 0;
            while (chunkRemaining > 0 && fill()) {
                int n = (int) Math.min(bufferEnd - bufferPos, chunkRemaining);
                bufferPos += n;
                chunkRemaining -= n;
                discarded += n;
            }
            recorder.clientLine("[BDAT chunk: " + discarded + " octets, discarded with the refused BDAT]");
        }
        mode = Mode.COMMAND;
    }

    /** The reply for the malformed line just handed over as {@link #REJECTED_LINE_VERB}. */
    synchronized String takeRejection() {
        String rejection = pendingRejection == null ? "500 5.5.2 Syntax error" : pendingRejection;
        pendingRejection = null;
        return rejection;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (true) {
            if (readyPos < ready.length) {
                int n = Math.min(length, ready.length - readyPos);
                System.arraycopy(ready, readyPos, target, offset, n);
                readyPos += n;
                return n;
            }
            switch (mode) {
                case COMMAND -> {
                    if (!prepareCommandLine()) {
                        return -1;
                    }
                }
                case MESSAGE -> {
                    return readContent(target, offset, length);
                }
                case CHUNK -> {
                    return readChunk(target, offset, length);
                }
                case PASSTHROUGH -> {
                    return readRaw(target, offset, length);
                }
            }
        }
    }

    @Override
    public synchronized int available() {
        return ready.length - readyPos;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private boolean fill() throws IOException {
        if (bufferPos < bufferEnd) {
            return true;
        }
        String expired = deadlines.beforeRead();
        if (expired != null) {
            recorder.clientTimedOut(expired);
            throw new SocketTimeoutException(expired);
        }
        int n;
        try {
            n = in.read(buffer, 0, buffer.length);
        } catch (SocketTimeoutException e) {
            recorder.clientTimedOut(deadlines.afterTimeout());
            throw e;
        } catch (SSLException e) {
            // A TLS failure after the handshake (a renegotiation refused, a forged record) ends the
            // session like a hang-up: nothing more can be read, and nothing is worth a stack trace.
            recorder.event("the TLS connection failed: " + e.getMessage());
            recorder.endedBy("the TLS connection failed: " + e.getMessage());
            n = -1;
        }
        if (n < 0) {
            if (!hungUpRecorded) {
                hungUpRecorded = true;
                recorder.clientHungUp();
            }
            return false;
        }
        bufferPos = 0;
        bufferEnd = n;
        return true;
    }

    /** Reads up to the next LF and makes the line (or its replacement) ready; false at end of stream. */
    private boolean prepareCommandLine() throws IOException {
        while (true) {
            if (!fill()) {
                if (lineLength > 0 || lineOverflow > 0) {
                    recorder.clientLine(shown() + "   [unfinished line: the client closed the connection]");
                    lineLength = 0;
                    lineOverflow = 0;
                }
                return false;
            }
            int end = bufferPos;
            while (end < bufferEnd && buffer[end] != '\n') {
                end++;
            }
            boolean complete = end < bufferEnd;
            if (complete) {
                end++;
            }
            int kept = Math.min(end - bufferPos, line.length - lineLength);
            System.arraycopy(buffer, bufferPos, line, lineLength, kept);
            lineLength += kept;
            lineOverflow += (end - bufferPos) - kept;
            bufferPos = end;
            if (complete) {
                judgeLine();
                lineLength = 0;
                lineOverflow = 0;
                return true;
            }
        }
    }

    private void judgeLine() {
        // A client that pipelines its AUTH answer sends it before any 334: if the AUTH was refused
        // (538, 503, ...), that answer arrives as a command line. It is a secret all the same.
        boolean unaskedAnswer = secretMayFollow && !authResponseExpected;
        String whole = new String(line, 0, Math.max(0, lineLength - 2), StandardCharsets.UTF_8);
        secretMayFollow = !authResponseExpected && AuthRedaction.awaitsAnswer(whole);
        unaskedAnswer &= !KNOWN_VERBS.contains(DialogueVerb.of(whole));
        String problem = LineProblems.problem(line, lineLength, lineOverflow,
                authResponseExpected ? MAX_AUTH_LINE : MAX_COMMAND_LINE);
        if (problem == null && !authResponseExpected && recorder.strict()) {
            String verb = DialogueVerb.of(new String(line, 0, lineLength - 2, StandardCharsets.UTF_8));
            if (!KNOWN_VERBS.contains(verb)) {
                problem = "500 5.5.2 Error: command not recognized";
            }
        }
        if (problem == null) {
            ready = Arrays.copyOf(line, lineLength);
            readyPos = 0;
            String text = new String(line, 0, lineLength - 2, StandardCharsets.UTF_8);
            if (!authResponseExpected) {
                recorder.replyStage(stageOf(text));
            }
            recorder.clientLine(unaskedAnswer ? AuthRedaction.UNASKED
                    : AuthRedaction.transcriptText(text, authResponseExpected));
            if (!authResponseExpected && nextCommandAlreadySent()) {
                recorder.commandPipelined();
            }
            expectChunkIfBdat(text);
        } else {
            pendingRejection = problem;
            ready = REJECTED_LINE;
            readyPos = 0;
            if (!authResponseExpected) {
                recorder.replyStage(SmtpStage.ANY_COMMAND);
            }
            boolean secret = authResponseExpected || unaskedAnswer;
            authResponseExpected = false;
            recorder.clientLine(secret ? AuthRedaction.UNASKED : shown());
        }
    }

    /**
     * Whether bytes after this line were sent before its reply: the reply is only written once the
     * line has been read, so anything already here, or waiting in the socket, came without it.
     */
    private boolean nextCommandAlreadySent() {
        if (bufferPos < bufferEnd) {
            return true;
        }
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static SmtpStage stageOf(String commandLine) {
        return SmtpStage.ofVerb(DialogueVerb.of(commandLine)).orElse(SmtpStage.ANY_COMMAND);
    }

    /**
     * A well-formed BDAT line is followed by its chunk, raw. SubEthaSMTP reads the BDAT lines after
     * the first one itself, past the command dispatcher, so the chunk mode is set here.
     */
    private void expectChunkIfBdat(String text) {
        if (text.regionMatches(true, 0, "BDAT ", 0, 5)) {
            BdatCommand.Bdat bdat = BdatCommand.parse(text);
            if (bdat.errorMessage == null && bdat.size > 0) {
                deadlines.messageExpected();
                mode = Mode.CHUNK;
                chunkRemaining = bdat.size;
                lastChunk = bdat.isLast;
                contentBytes = 0;
            } else if (bdat.errorMessage == null && bdat.isLast) {
                recorder.replyStage(SmtpStage.MESSAGE);
            }
        }
    }

    private String shown() {
        return LineProblems.printable(line, lineLength, lineOverflow, SHOWN_PREFIX);
    }

    private int readContent(byte[] target, int offset, int length) throws IOException {
        if (!fill()) {
            recorder.clientLine("[message content: " + contentBytes + " octets, then the client closed the connection]");
            mode = Mode.COMMAND;
            return -1;
        }
        int available = Math.min(length, bufferEnd - bufferPos);
        int end = endOfData.scan(buffer, bufferPos, bufferPos + available);
        boolean ended = end >= 0;
        int n = ended ? end - bufferPos : available;
        lookAlikes.acceptAll(buffer, bufferPos, bufferPos + n);
        System.arraycopy(buffer, bufferPos, target, offset, n);
        bufferPos += n;
        contentBytes += n;
        if (ended) {
            mode = Mode.COMMAND;
            recorder.replyStage(SmtpStage.MESSAGE);
            recorder.endOfDataLookAlikes(lookAlikes.found());
            recorder.clientLine("[message content: " + (contentBytes - 3) + " octets, then the lone dot]");
        }
        return n;
    }

    private int readRaw(byte[] target, int offset, int length) throws IOException {
        if (bufferPos < bufferEnd) {
            int n = Math.min(length, bufferEnd - bufferPos);
            System.arraycopy(buffer, bufferPos, target, offset, n);
            bufferPos += n;
            return n;
        }
        return in.read(target, offset, length);
    }

    private int readChunk(byte[] target, int offset, int length) throws IOException {
        if (!fill()) {
            recorder.clientLine("[BDAT chunk: " + contentBytes + " octets, then the client closed the connection]");
            mode = Mode.COMMAND;
            return -1;
        }
        int n = (int) Math.min(Math.min(length, bufferEnd - bufferPos), chunkRemaining);
        System.arraycopy(buffer, bufferPos, target, offset, n);
        bufferPos += n;
        contentBytes += n;
        chunkRemaining -= n;
        if (chunkRemaining == 0) {
            mode = Mode.COMMAND;
            if (lastChunk) {
                recorder.replyStage(SmtpStage.MESSAGE);
            }
            recorder.clientLine("[BDAT chunk: " + contentBytes + " octets]");
        }
        return n;
    }
}
