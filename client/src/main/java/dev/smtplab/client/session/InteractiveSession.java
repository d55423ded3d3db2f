package dev.smtplab.client.session;

import dev.smtplab.client.explain.ReplyExplainer;
import dev.smtplab.client.protocol.ConnectionClosedException;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.Sasl;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.TlsBytesException;
import dev.smtplab.client.protocol.TlsSettings;
import dev.smtplab.client.send.DotStuffing;
import dev.smtplab.client.send.ExitCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The telnet-style session: what is typed goes out with CRLF; replies are shown as they arrive,
 * whole; lines starting with "/" are help telnet cannot give (/starttls, /auth, /data, /explain,
 * /save, /help, /quit). A reader thread shows replies; {@link DialogueState} knows which lines
 * still wait for one, so nothing waits for a reply that cannot come.
 */
public final class InteractiveSession {
    static final String HELP = String.join("\n",
            "Type SMTP commands; each goes out with CRLF. Helpers:",
            "  /starttls            start TLS on this connection, then EHLO again",
            "  /auth plain|login [USER]   log in; asks for the password without echo",
            "  /data                write a message (headers, blank line, body), end with a lone \".\"",
            "  /explain             what the last reply means",
            "  /save FILE           save the transcript",
            "  /help                this help",
            "  /quit                QUIT and leave (Ctrl-C and Ctrl-D do the same)");

    /** How long the greeting may take before the session says what the silence means. */
    static final Duration GREETING_PATIENCE = Duration.ofSeconds(5);
    /** How long /quit waits for the 221 before closing anyway. */
    static final Duration QUIT_PATIENCE = Duration.ofSeconds(2);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(3);
    private static final Pattern HEADER = Pattern.compile("^[!-9;-~]+:.*");
    private static final String ANSI_RESET = "\u001b[0m";

    private final SmtpConnection connection;
    private final LineSource input;
    private final TlsSettings tlsSettings;
    private final Duration replyTimeout;
    private final boolean explainEvery;
    private final boolean color;
    private final DialogueState state = new DialogueState();
    private final SessionTranscript transcript = new SessionTranscript();
    private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    private final CountDownLatch greeted = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Answer lastAnswer;
    private volatile String pauseAfterAnswerTo;
    private volatile CountDownLatch resume = new CountDownLatch(0);
    private volatile Ending ending;
    private volatile boolean quitSent;
    private volatile boolean rawMessage;
    private boolean headerBlockEnded;
    private boolean warnedAboutHeaders;
    private boolean tlsUnverified;
    private String helo = "localhost";

    /** A reply and the line it answers (null for the greeting and unasked replies). */
    private record Answer(String line, Reply reply) {
    }

    /** How the session ended: a line for the person, and the exit code. */
    private record Ending(String line, int exitCode) {
    }

    public InteractiveSession(SmtpConnection connection, LineSource input, TlsSettings tlsSettings,
                              Duration replyTimeout, boolean explainEvery, boolean color) {
        this.connection = connection;
        this.input = input;
        this.tlsSettings = tlsSettings;
        this.replyTimeout = replyTimeout;
        this.explainEvery = explainEvery;
        this.color = color;
    }

    /** For a pipe or a file: lines are sent as they come, the session ends when the server closes. */
    public static LineSource pipe(InputStream in, PrintWriter out) {
        return new PipedLines(in, out);
    }

    public static LineSource terminal() throws IOException {
        return new TerminalLines();
    }

    /** What to do before handing over to the user: STARTTLS (after an EHLO), and a login. */
    public record Prelude(boolean startTls, String helo, String authUser, String authPassword) {
        public static Prelude none() {
            return new Prelude(false, null, null, null);
        }
    }

    /** Runs until /quit, the end of input, or the server closing; returns the exit code. */
    public int run() throws IOException, InterruptedException {
        return run(Prelude.none());
    }

    public int run(Prelude prelude) throws IOException, InterruptedException {
        Thread reader = new Thread(this::readReplies, "smtplab-replies");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!awaitGreeting()) {
                return finish();
            }
            if (prelude.startTls()) {
                sendCommand("EHLO " + prelude.helo());
                startTls();
            }
            if (prelude.authUser() != null && !isOver()) {
                authenticate("plain", prelude.authUser(), prelude.authPassword());
            }
            while (!isOver()) {
                String line;
                try {
                    line = input.readLine(prompt());
                } catch (LineSource.Interrupted e) {
                    if (!leaveOnInterrupt()) {
                        continue;
                    }
                    break;
                }
                if (line == null) {
                    endOfInput();
                    break;
                }
                if (!state.inMessage() && line.startsWith("/")) {
                    if (!helper(line.trim())) {
                        break;
                    }
                } else {
                    sendTyped(line);
                }
            }
            return finish();
        } finally {
            connection.close();
            input.close();
        }
    }

    private boolean isOver() {
        return ending != null || state.isClosed();
    }

    private String prompt() {
        if (state.inMessage()) {
            return "data> ";
        }
        return connection.tls().isPresent() ? "smtp+tls> " : "smtp> ";
    }

    /** Waits for the greeting, saying what a silence means; false when the session cannot go on. */
    private boolean awaitGreeting() throws InterruptedException {
        if (greeted.await(GREETING_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
            return ending == null;
        }
        if (speaksTls()) {
            input.print("(connected, but no greeting after " + GREETING_PATIENCE.toSeconds() + " s: this port speaks "
                    + "TLS from the first byte, so it waits for a TLS handshake, not for plain SMTP. Start the "
                    + "session again with --tls)");
            if (!input.interactive()) {
                end("(no greeting: this port speaks TLS from the first byte; use --tls)", ExitCode.TLS_FAILURE.code());
                return false;
            }
            return true;
        }
        input.print("(connected, but no greeting after " + GREETING_PATIENCE.toSeconds() + " s: the server accepted "
                + "the connection and says nothing. A server greets at once; one that stays silent is overloaded, or "
                + "a tarpit that greets late on purpose" + (input.interactive() ? "; the greeting will show here if "
                + "it comes, /quit leaves)" : ")"));
        if (input.interactive()) {
            return true;
        }
        long left = replyTimeout.minus(GREETING_PATIENCE).toMillis();
        if (greeted.await(Math.max(0, left), TimeUnit.MILLISECONDS)) {
            return ending == null;
        }
        end("(no greeting within " + replyTimeout.toSeconds() + " s; giving up)", ExitCode.REPLY_TIMEOUT.code());
        return false;
    }

    /** A silent port may be waiting for a TLS handshake: try one on a second connection. */
    private boolean speaksTls() {
        java.net.Socket socket = connection.socket();
        try (SmtpConnection probe = SmtpConnection.connect(socket.getInetAddress().getHostAddress(), socket.getPort(),
                Duration.ofSeconds(2), Duration.ofSeconds(2))) {
            probe.startTls(new TlsSettings(null, true).socketFactory(), false);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- sending --------------------------------------------------------------------------------

    /** A line the person typed: a command, or (after a 354) a line of the message. */
    private void sendTyped(String line) throws IOException {
        if (state.inMessage()) {
            warnAboutContent(line);
        }
        DialogueState.Kind kind = state.sent(line);
        rememberHelo(line);
        if (kind == DialogueState.Kind.DATA) {
            rawMessage = true;
        }
        if (DialogueState.verb(line).equals("QUIT") && kind == DialogueState.Kind.COMMAND) {
            quitSent = true;
        }
        connection.sendLine(line);
        transcript.client(line);
    }

    private void sendCommand(String line) throws IOException {
        state.sent(line);
        rememberHelo(line);
        connection.sendLine(line);
        transcript.client(line);
    }

    private void rememberHelo(String line) {
        String verb = DialogueState.verb(line);
        if ((verb.equals("EHLO") || verb.equals("HELO")) && line.trim().length() > 5) {
            helo = line.trim().substring(5).trim();
        }
    }

    /** In raw DATA mode nobody stuffs dots or checks the header block: say what the server will make of it. */
    private void warnAboutContent(String line) {
        // ".." is a dot stuffed by hand, as it should be; one dot alone is the mistake.
        if (line.startsWith(".") && !line.equals(".") && !line.startsWith("..")) {
            input.print("(a line starting with \".\" loses that dot: the server removes one (RFC 5321, 4.5.2), so it "
                    + "arrives as \"" + line.substring(1) + "\"; type \"..\" to keep one, or use /data, which does it "
                    + "for you)");
        }
        if (headerBlockEnded) {
            return;
        }
        if (line.isEmpty()) {
            headerBlockEnded = true;
        } else if (!warnedAboutHeaders && !HEADER.matcher(line).matches() && !line.startsWith(" ")
                && !line.startsWith("\t")) {
            warnedAboutHeaders = true;
            input.print("(this is not a header line, and no blank line came before it: the headers end at the first "
                    + "blank line, so the server takes this as a broken header. Type an empty line before the body)");
        }
    }

    // ---- replies --------------------------------------------------------------------------------

    private void readReplies() {
        try {
            while (true) {
                Reply reply;
                try {
                    reply = connection.readReply();
                } catch (SocketTimeoutException e) {
                    // a quiet server is normal while a person is typing: keep listening
                    continue;
                }
                Optional<String> answered = state.replied(reply);
                show(reply, answered.orElse(null));
                Answer answer = new Answer(answered.orElse(null), reply);
                lastAnswer = answer;
                greeted.countDown();
                input.prompt(prompt());
                if (answered.isPresent() && DialogueState.verb(answered.get()).equals("DATA") && reply.code() == 354
                        && rawMessage) {
                    headerBlockEnded = false;
                    warnedAboutHeaders = false;
                    input.print("(message mode: type the headers, an empty line, then the body; a line with only "
                            + "\".\" ends the message. Ctrl-C drops the connection instead)");
                }
                answers.add(answer);
                if (answered.isPresent() && answered.get().equals(pauseAfterAnswerTo) && reply.code() == 220) {
                    pauseAfterAnswerTo = null;
                    resume.await();
                }
            }
        } catch (ConnectionClosedException e) {
            closedByServer();
        } catch (TlsBytesException e) {
            end("(this port speaks TLS from the first byte, not plain SMTP: start the session again with --tls)",
                    ExitCode.TLS_FAILURE.code());
        } catch (IOException e) {
            if (ending == null && !connection.isClosed()) {
                end("(connection lost: " + e.getMessage() + ")", ExitCode.CONNECTION_CLOSED.code());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state.closed();
            greeted.countDown();
            ended.countDown();
            input.wakeUp();
        }
    }

    private void show(Reply reply, String answered) {
        for (String wireLine : reply.wireText().split("\r\n")) {
            transcript.server(wireLine);
            input.print(colored(reply.code(), wireLine));
        }
        if (explainEvery) {
            for (String line : ReplyExplainer.explainInSession(reply, answered).text().split("\n")) {
                input.print("  # " + line.trim());
            }
        }
    }

    /** Who closed and why, from the last reply before the close. */
    private void closedByServer() {
        Answer last = lastAnswer;
        if (last == null && connection.tls().isEmpty() && speaksTls()) {
            end("(the server closed the connection without a greeting: this port speaks TLS from the first byte, "
                    + "and what was sent was not a TLS handshake. Start the session again with --tls)",
                    ExitCode.TLS_FAILURE.code());
        } else if (last == null) {
            end("(the server closed the connection without a greeting)", ExitCode.CONNECTION_CLOSED.code());
        } else if (last.reply().code() == 221) {
            end("(the server closed the connection after its 221, the answer to QUIT)", 0);
        } else if (last.line() == null && last.reply().code() == 421) {
            end("(the server said 421 and closed the connection: a 421 that answers nothing usually means the "
                    + "server's idle timeout passed while nothing was typed, or the server is shutting down)",
                    ExitCode.CONNECTION_CLOSED.code());
        } else if (last.line() == null && last.reply().code() >= 400) {
            end("(the server refused the session with " + last.reply().code() + " and closed the connection)",
                    ExitCode.BANNER_REFUSED.code());
        } else {
            end("(the server closed the connection after: " + last.reply().wireText().replace("\r\n", " / ") + ")",
                    ExitCode.CONNECTION_CLOSED.code());
        }
    }

    private void end(String line, int exitCode) {
        if (ending == null) {
            ending = new Ending(line, exitCode);
        }
    }

    private int finish() {
        Ending end = ending;
        if (end == null) {
            return 0;
        }
        input.print(end.line());
        return end.exitCode();
    }

    private String colored(int code, String line) {
        if (!color) {
            return line;
        }
        String ansi = switch (code / 100) {
            case 2 -> "\u001b[32m";
            case 3 -> "\u001b[36m";
            case 4 -> "\u001b[33m";
            default -> "\u001b[31m";
        };
        return ansi + line + ANSI_RESET;
    }

    // ---- waiting --------------------------------------------------------------------------------

    /**
     * Waits until {@code done}, for at most the reply timeout, telling a person every few seconds
     * what it waits for. False when it did not come (or the connection ended).
     */
    private boolean await(BooleanSupplier done, Duration limit) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + limit.toNanos();
        long nextNote = started + PROGRESS_EVERY.toNanos();
        while (!done.getAsBoolean()) {
            if (isOver()) {
                return false;
            }
            long now = System.nanoTime();
            if (now >= deadline) {
                return false;
            }
            if (now >= nextNote && input.interactive()) {
                input.print("(waiting for the reply to " + state.awaitedFor().orElse("the last command") + " ... "
                        + TimeUnit.NANOSECONDS.toSeconds(now - started) + " s)");
                nextNote = now + PROGRESS_EVERY.toNanos();
            }
            ended.await(20, TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /** Lets every earlier reply arrive, as a helper that needs the server's attention must. */
    private boolean awaitQuiet() throws InterruptedException {
        if (await(() -> !state.awaitingReply(), replyTimeout)) {
            answers.clear();
            return true;
        }
        if (!isOver()) {
            input.print("(no reply to " + state.awaitedFor().orElse("the last command") + " within "
                    + replyTimeout.toSeconds() + " s)");
        }
        return false;
    }

    /** Sends a command and waits for its own reply; null when none came. */
    private Reply command(String line, String shown) throws IOException, InterruptedException {
        answers.clear();
        state.sent(line);
        if (line.equals(shown)) {
            connection.sendLine(line);
        } else {
            connection.sendSecretLine(line, shown);
        }
        transcript.client(shown);
        return answerTo(line);
    }

    private Reply answerTo(String line) throws InterruptedException {
        Answer[] found = new Answer[1];
        boolean came = await(() -> {
            Answer next;
            while ((next = answers.poll()) != null) {
                if (line.equals(next.line())) {
                    found[0] = next;
                    return true;
                }
            }
            return false;
        }, replyTimeout);
        if (!came && !isOver()) {
            input.print("(no reply within " + replyTimeout.toSeconds() + " s)");
        }
        return found[0] == null ? null : found[0].reply();
    }

    // ---- leaving --------------------------------------------------------------------------------

    /** Ctrl-C: at the prompt, leave politely; inside a message, offer to drop the connection. */
    private boolean leaveOnInterrupt() throws IOException, InterruptedException {
        if (state.inMessage()) {
            return offerToDrop();
        }
        quit();
        return true;
    }

    /** End of input: Ctrl-D on a terminal, or the end of the pipe. */
    private void endOfInput() throws IOException, InterruptedException {
        if (!input.interactive()) {
            // A script: let the replies to what it sent arrive before leaving (DATA's may turn
            // the lines after it into message content).
            await(() -> !state.awaitingReply(), replyTimeout);
        }
        if (state.inMessage()) {
            input.print("(the input ended inside a message: dropping the connection, so no message is sent)");
            drop();
            return;
        }
        quit();
    }

    /** QUIT, the 221 shown, and out; never more than a moment's wait. */
    private void quit() throws IOException, InterruptedException {
        if (isOver()) {
            return;
        }
        if (state.inMessage()) {
            // QUIT now would be a line of the message.
            input.print("(inside a message QUIT would be message text: dropping the connection instead, so no "
                    + "message is sent)");
            drop();
            return;
        }
        if (!quitSent) {
            input.print("(leaving: QUIT)");
            sendTyped("QUIT");
        }
        if (!await(() -> isOver() || lastAnswer != null && "QUIT".equals(lastAnswer.line()), QUIT_PATIENCE)
                && !isOver()) {
            end("(no answer to QUIT within " + QUIT_PATIENCE.toSeconds() + " s; closing the connection)", 0);
        }
        await(() -> isOver(), Duration.ofMillis(500));
        end("(session ended)", 0);
    }

    private boolean offerToDrop() throws IOException {
        input.print("(after a 354 the server takes every line as message text, QUIT included: the only ways out "
                + "are a line with only \".\", which sends the message, or dropping the connection, which sends "
                + "nothing)");
        if (input.confirm("drop the connection?")) {
            drop();
            return true;
        }
        return false;
    }

    private void drop() throws IOException {
        end("(connection dropped: the server saw no final dot, so it keeps no message)", 0);
        connection.close();
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Returns false when the session should end. */
    private boolean helper(String line) throws IOException, InterruptedException {
        String[] words = line.split("\\s+");
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "/help" -> input.print(HELP);
            case "/quit" -> {
                quit();
                return false;
            }
            case "/explain" -> explainLast();
            case "/save" -> save(words);
            case "/data" -> data();
            case "/starttls" -> startTls();
            case "/auth" -> auth(words);
            default -> input.print("unknown helper " + words[0] + "; /help lists them");
        }
        return !isOver();
    }

    private void explainLast() {
        Answer last = lastAnswer;
        input.print(last == null ? "no reply yet" : ReplyExplainer.explainInSession(last.reply(), last.line()).text());
    }

    private void save(String[] words) throws IOException {
        if (words.length < 2) {
            input.print("/save needs a file name: /save session.txt");
            return;
        }
        Path file = Path.of(words[1]);
        int lines = transcript.save(file);
        input.print("transcript saved to " + file + " (" + lines + " lines)");
    }

    private void data() throws IOException, InterruptedException {
        if (!awaitQuiet()) {
            return;
        }
        rawMessage = false;
        Reply go = command("DATA", "DATA");
        if (go == null || go.code() != 354) {
            input.print("the server did not say 354, so no message was sent");
            return;
        }
        input.print("write the message: headers, an empty line, the body; a line with only \".\" ends it "
                + "(leading dots are doubled for you)");
        StringBuilder message = new StringBuilder();
        while (true) {
            String line;
            try {
                line = input.readLine("data> ");
            } catch (LineSource.Interrupted e) {
                input.print("(nothing of this message has been sent yet)");
                if (offerToDrop()) {
                    return;
                }
                continue;
            }
            if (line == null) {
                if (isOver()) {
                    return;
                }
                input.print("(the input ended inside a message: dropping the connection, so no message is sent)");
                drop();
                return;
            }
            if (line.equals(".")) {
                break;
            }
            message.append(line).append("\r\n");
        }
        byte[] wire = DotStuffing.encode(message.toString().getBytes(StandardCharsets.UTF_8));
        state.sentWholeMessage();
        connection.sendBytes(wire);
        transcript.client("[message: " + message.length() + " bytes, then the lone dot]");
        answerTo(".");
    }

    private void startTls() throws IOException, InterruptedException {
        if (!awaitQuiet()) {
            return;
        }
        resume = new CountDownLatch(1);
        pauseAfterAnswerTo = "STARTTLS";
        Reply reply;
        try {
            reply = command("STARTTLS", "STARTTLS");
            if (reply != null && reply.code() == 220) {
                Optional<String> problem;
                try {
                    problem = connection.startTlsObserving(tlsSettings);
                } catch (IOException e) {
                    end("(TLS failed: " + e.getMessage() + ")", ExitCode.TLS_FAILURE.code());
                    connection.close();
                    return;
                }
                input.print("(TLS started: " + connection.tls().map(tls -> tls.protocol() + ", " + tls.cipher())
                        .orElse("?") + ")");
                tlsSettings.trustedLocalCa().ifPresent(ca -> input.print("(trusting the local SMTP Lab CA from "
                        + ca + " as well as the system's CAs)"));
                if (problem.isPresent()) {
                    tlsUnverified = true;
                    input.print("WARNING: the server's certificate does not verify: " + problem.get() + ". The "
                            + "connection is encrypted, but nothing proves the server is who it claims to be; /auth "
                            + "will ask before sending a password.");
                }
            }
        } finally {
            pauseAfterAnswerTo = null;
            resume.countDown();
        }
        if (reply != null && reply.code() == 220) {
            // RFC 3207, 4.2: what the server said before TLS no longer counts; ask again.
            command("EHLO " + helo, "EHLO " + helo);
        }
    }

    private void auth(String[] words) throws IOException, InterruptedException {
        if (words.length < 2 || !List.of("plain", "login").contains(words[1].toLowerCase(Locale.ROOT))) {
            input.print("use /auth plain [USER] or /auth login [USER]");
            return;
        }
        if (connection.tls().isEmpty()) {
            input.print("(no TLS yet: the password goes over the wire in plain text, base64 is not encryption; "
                    + "most servers offer AUTH only after /starttls)");
        }
        String user = words.length > 2 ? words[2] : input.readLine("user: ");
        // Read the password even when it will not be sent: from a pipe, the next line is the password,
        // and it must never go out as a command.
        String password = user == null ? null : input.readSecret("password: ");
        if (user == null || password == null) {
            return;
        }
        if (connection.tls().isPresent() && tlsUnverified && !tlsSettings.insecure()
                && !input.confirm("the certificate did not verify: send the password anyway?")) {
            input.print("(no password sent)");
            return;
        }
        authenticate(words[1], user, password);
    }

    private void authenticate(String mechanism, String user, String password) throws IOException, InterruptedException {
        if (!awaitQuiet()) {
            return;
        }
        if (mechanism.equalsIgnoreCase("plain")) {
            command("AUTH PLAIN " + Sasl.plain(user, password), "AUTH PLAIN ****");
            return;
        }
        Reply reply = command("AUTH LOGIN", "AUTH LOGIN");
        if (reply != null && reply.code() == 334) {
            reply = command(Sasl.base64(user), Sasl.base64(user));
        }
        if (reply != null && reply.code() == 334) {
            command(Sasl.base64(password), "****");
        }
    }
}
