package dev.smtplab.client.session;

import dev.smtplab.client.explain.ReplyExplainer;
import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.ConnectionClosedException;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.Sasl;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.SmtpVerb;
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
    private Texts texts = Texts.of(Language.ENGLISH);
    private Coach coach;
    /** A typed line the coach held back; /send sends it. */
    private String heldLine;
    private final SessionTranscript transcript = new SessionTranscript();
    private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    private final CountDownLatch greeted = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile Answer lastAnswer;
    /** Replies read, and replies the coach and the screen are done with: equal when none is in hand. */
    private volatile long repliesRead;
    private volatile long repliesDone;
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

    /** The language of everything the session says (its own notes; the wire stays as it is). */
    public InteractiveSession texts(Texts texts) {
        this.texts = texts;
        return this;
    }

    /** A coach who sees every line before it goes out and every reply (a lesson). */
    public InteractiveSession coach(Coach coach) {
        this.coach = coach;
        coach.attach(input::print);
        return this;
    }

    /** The helpers, for /help. */
    public String help() {
        return texts.get("session.help") + (coach == null ? "" : "\n" + coach.help());
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
            if (coach != null && lastAnswer != null) {
                coach.greeted(lastAnswer.reply());
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
                } else if (!heldByCoach(line)) {
                    sendTyped(line);
                }
            }
            return finish();
        } finally {
            connection.close();
            if (coach != null) {
                coach.ended(transcript);
            }
            input.close();
        }
    }

    /** Whether the coach held the line back, saying why (the person may /send it anyway). */
    private boolean heldByCoach(String line) throws InterruptedException {
        if (coach == null) {
            return false;
        }
        if (!input.interactive() && !state.inMessage()) {
            // A pipe gives the next line before the last reply came; a person reads the reply first.
            // The coach judges a line by the dialogue so far, so it waits for the replies in flight.
            await(() -> !state.awaitingReply() && repliesDone == repliesRead, replyTimeout);
        }
        Optional<String> problem = coach.review(line, state.inMessage());
        if (problem.isEmpty()) {
            heldLine = null;
            return false;
        }
        heldLine = line;
        input.print(problem.get());
        input.print(texts.get("session.held"));
        return true;
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
            input.print(texts.get("session.noGreeting.tls", GREETING_PATIENCE.toSeconds()));
            if (!input.interactive()) {
                end(texts.get("session.end.noGreetingTls"), ExitCode.TLS_FAILURE.code());
                return false;
            }
            return true;
        }
        input.print(texts.get(input.interactive() ? "session.noGreeting.silent.waiting" : "session.noGreeting.silent",
                GREETING_PATIENCE.toSeconds()));
        if (input.interactive()) {
            return true;
        }
        long left = replyTimeout.minus(GREETING_PATIENCE).toMillis();
        if (greeted.await(Math.max(0, left), TimeUnit.MILLISECONDS)) {
            return ending == null;
        }
        end(texts.get("session.end.noGreeting", replyTimeout.toSeconds()), ExitCode.REPLY_TIMEOUT.code());
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
        if (SmtpVerb.of(line).equals("QUIT") && kind == DialogueState.Kind.COMMAND) {
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
        String verb = SmtpVerb.of(line);
        if ((verb.equals("EHLO") || verb.equals("HELO")) && line.trim().length() > 5) {
            helo = line.trim().substring(5).trim();
        }
    }

    /** In raw DATA mode nobody stuffs dots or checks the header block: say what the server will make of it. */
    private void warnAboutContent(String line) {
        if (DotStuffing.losesLeadingDot(line)) {
            input.print(texts.get("session.content.dot", line.substring(1)));
        }
        if (headerBlockEnded) {
            return;
        }
        if (line.isEmpty()) {
            headerBlockEnded = true;
        } else if (!warnedAboutHeaders && !HEADER.matcher(line).matches() && !line.startsWith(" ")
                && !line.startsWith("\t")) {
            warnedAboutHeaders = true;
            input.print(texts.get("session.content.notHeader"));
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
                repliesRead++;
                // Known as the last answer before it shows: a /explain typed the moment it appears explains it.
                Answer answer = new Answer(answered.orElse(null), reply);
                lastAnswer = answer;
                show(reply, answered.orElse(null));
                greeted.countDown();
                input.prompt(prompt());
                if (answered.isPresent() && SmtpVerb.of(answered.get()).equals("DATA") && reply.code() == 354
                        && rawMessage) {
                    headerBlockEnded = false;
                    warnedAboutHeaders = false;
                    input.print(texts.get("session.content.messageMode"));
                }
                if (coach != null && answered.isPresent()) {
                    coach.replied(answered.get(), reply);
                }
                answers.add(answer);
                repliesDone++;
                if (answered.isPresent() && answered.get().equals(pauseAfterAnswerTo) && reply.code() == 220) {
                    pauseAfterAnswerTo = null;
                    resume.await();
                }
            }
        } catch (ConnectionClosedException e) {
            closedByServer();
        } catch (TlsBytesException e) {
            end(texts.get("session.end.tlsPort"), ExitCode.TLS_FAILURE.code());
        } catch (IOException e) {
            if (ending == null && !connection.isClosed()) {
                end(texts.get("session.end.lost", e.getMessage()), ExitCode.CONNECTION_CLOSED.code());
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
            for (String line : ReplyExplainer.in(texts).inSession(reply, answered).text().split("\n")) {
                input.print("  # " + line.trim());
            }
        }
    }

    /** Who closed and why, from the last reply before the close. */
    private void closedByServer() {
        Answer last = lastAnswer;
        if (last == null && connection.tls().isEmpty() && speaksTls()) {
            end(texts.get("session.end.closedTls"), ExitCode.TLS_FAILURE.code());
        } else if (last == null) {
            end(texts.get("session.end.closedNoGreeting"), ExitCode.CONNECTION_CLOSED.code());
        } else if (last.reply().code() == 221) {
            end(texts.get("session.end.after221"), 0);
        } else if (last.line() == null && last.reply().code() == 421) {
            end(texts.get("session.end.idle421"), ExitCode.CONNECTION_CLOSED.code());
        } else if (last.line() == null && last.reply().code() >= 400) {
            end(texts.get("session.end.refused", last.reply().code()), ExitCode.BANNER_REFUSED.code());
        } else {
            end(texts.get("session.end.closedAfter", last.reply().wireText().replace("\r\n", " / ")),
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
                input.print(texts.get("session.waiting", awaited(), TimeUnit.NANOSECONDS.toSeconds(now - started)));
                nextNote = now + PROGRESS_EVERY.toNanos();
            }
            ended.await(20, TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /** What the session waits for, in words. */
    private String awaited() {
        String line = state.awaitedFor().orElse(null);
        if (line == null) {
            return texts.get("session.awaited.last");
        } else if (line.equals(DialogueState.GREETING)) {
            return texts.get("session.awaited.greeting");
        } else if (line.equals(DialogueState.MESSAGE)) {
            return texts.get("session.awaited.message");
        }
        return line;
    }

    /** Lets every earlier reply arrive, as a helper that needs the server's attention must. */
    private boolean awaitQuiet() throws InterruptedException {
        if (await(() -> !state.awaitingReply(), replyTimeout)) {
            answers.clear();
            return true;
        }
        if (!isOver()) {
            input.print(texts.get("session.noReplyTo", awaited(), replyTimeout.toSeconds()));
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
            input.print(texts.get("session.noReply", replyTimeout.toSeconds()));
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
            input.print(texts.get("session.inputEndedInMessage"));
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
            input.print(texts.get("session.quitInMessage"));
            drop();
            return;
        }
        if (!quitSent) {
            input.print(texts.get("session.leaving"));
            sendTyped("QUIT");
        }
        if (!await(() -> isOver() || lastAnswer != null && "QUIT".equals(lastAnswer.line()), QUIT_PATIENCE)
                && !isOver()) {
            end(texts.get("session.end.quitTimeout", QUIT_PATIENCE.toSeconds()), 0);
        }
        await(() -> isOver(), Duration.ofMillis(500));
        end(texts.get("session.end.ended"), 0);
    }

    private boolean offerToDrop() throws IOException {
        input.print(texts.get("session.drop.why"));
        if (input.confirm(texts.get("session.drop.confirm"))) {
            drop();
            return true;
        }
        return false;
    }

    private void drop() throws IOException {
        end(texts.get("session.end.dropped"), 0);
        connection.close();
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Returns false when the session should end. */
    private boolean helper(String line) throws IOException, InterruptedException {
        String[] words = line.split("\\s+");
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "/help" -> input.print(help());
            case "/send" -> sendHeld();
            case "/quit" -> {
                quit();
                return false;
            }
            case "/explain" -> explainLast();
            case "/save" -> save(words);
            case "/data" -> data();
            case "/starttls" -> startTls();
            case "/auth" -> auth(words);
            default -> {
                if (coach == null || !coach.helper(words)) {
                    input.print(texts.get("session.helper.unknown", words[0]));
                }
            }
        }
        return !isOver();
    }

    /** /send: the line the coach held back goes out as it was typed. */
    private void sendHeld() throws IOException {
        String line = heldLine;
        heldLine = null;
        if (line == null) {
            input.print(texts.get("session.send.nothing"));
            return;
        }
        sendTyped(line);
    }

    private void explainLast() {
        Answer last = lastAnswer;
        input.print(last == null ? texts.get("session.explain.none") : ReplyExplainer.in(texts).inSession(last.reply(), last.line()).text());
    }

    private void save(String[] words) throws IOException {
        if (words.length < 2) {
            input.print(texts.get("session.save.usage"));
            return;
        }
        Path file = Path.of(words[1]);
        int lines = transcript.save(file);
        input.print(texts.get("session.save.done", file, lines));
    }

    private void data() throws IOException, InterruptedException {
        if (!awaitQuiet()) {
            return;
        }
        rawMessage = false;
        Reply go = command("DATA", "DATA");
        if (go == null || go.code() != 354) {
            input.print(texts.get("session.data.no354"));
            return;
        }
        input.print(texts.get("session.data.write"));
        StringBuilder message = new StringBuilder();
        while (true) {
            String line;
            try {
                line = input.readLine("data> ");
            } catch (LineSource.Interrupted e) {
                input.print(texts.get("session.data.nothingSent"));
                if (offerToDrop()) {
                    return;
                }
                continue;
            }
            if (line == null) {
                if (isOver()) {
                    return;
                }
                input.print(texts.get("session.inputEndedInMessage"));
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
                    end(texts.get("session.tls.failed", e.getMessage()), ExitCode.TLS_FAILURE.code());
                    connection.close();
                    return;
                }
                input.print(texts.get("session.tls.started", connection.tls()
                        .map(tls -> tls.protocol() + ", " + tls.cipher()).orElse("?")));
                tlsSettings.trustedLocalCa().ifPresent(ca -> input.print(texts.get("session.tls.trusting", ca)));
                if (problem.isPresent()) {
                    tlsUnverified = true;
                    input.print(texts.get("session.tls.unverified", problem.get()));
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
            input.print(texts.get("session.auth.usage"));
            return;
        }
        if (connection.tls().isEmpty()) {
            input.print(texts.get("session.auth.noTls"));
        }
        String user = words.length > 2 ? words[2] : input.readLine(texts.get("session.auth.user"));
        // Read the password even when it will not be sent: from a pipe, the next line is the password,
        // and it must never go out as a command.
        String password = user == null ? null : input.readSecret(texts.get("session.auth.password"));
        if (user == null || password == null) {
            return;
        }
        if (connection.tls().isPresent() && tlsUnverified && !tlsSettings.insecure()
                && !input.confirm(texts.get("session.auth.confirmUnverified"))) {
            input.print(texts.get("session.auth.notSent"));
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
