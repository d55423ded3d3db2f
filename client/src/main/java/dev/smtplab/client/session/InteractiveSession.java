package dev.smtplab.client.session;

import dev.smtplab.client.explain.ReplyExplainer;
import dev.smtplab.client.protocol.ConnectionClosedException;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.Sasl;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.TlsSettings;
import dev.smtplab.client.send.DotStuffing;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The telnet-style session: what is typed goes out with CRLF; replies are shown as they arrive,
 * whole; lines starting with "/" are help telnet cannot give (/starttls, /auth, /data, /explain,
 * /save, /help, /quit). A reader thread shows replies; commands that need a reply take it from a queue.
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
            "  /quit                QUIT and leave");

    private static final String ANSI_RESET = "\u001b[0m";

    private final SmtpConnection connection;
    private final LineSource input;
    private final TlsSettings tlsSettings;
    private final Duration replyTimeout;
    private final boolean explainEvery;
    private final boolean color;
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final SessionTranscript transcript = new SessionTranscript();
    private final CountDownLatch serverClosed = new CountDownLatch(1);
    /** Replies still to come: the greeting, then one per command sent. */
    private final AtomicInteger outstanding = new AtomicInteger(1);
    private volatile Reply lastReply;
    private volatile boolean pauseAfterReply;
    private volatile CountDownLatch resume;
    private String helo = "localhost";

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

    /** Runs until /quit, the end of input, or the server closing. */
    public void run() throws IOException, InterruptedException {
        run(Prelude.none());
    }

    public void run(Prelude prelude) throws IOException, InterruptedException {
        Thread reader = new Thread(this::readReplies, "smtplab-replies");
        reader.setDaemon(true);
        reader.start();
        try {
            if (prelude.startTls()) {
                awaitEarlierReplies();
                send("EHLO " + prelude.helo());
                helper("/starttls");
            }
            if (prelude.authUser() != null) {
                awaitEarlierReplies();
                authenticate("plain", prelude.authUser(), prelude.authPassword());
            }
            String line;
            while (serverClosed.getCount() > 0 && (line = input.readLine(prompt())) != null) {
                if (line.startsWith("/")) {
                    if (!helper(line.trim())) {
                        break;
                    }
                } else {
                    send(line);
                }
            }
            // End of input: give the server the reply timeout to answer what was sent and close.
            serverClosed.await(replyTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            connection.close();
            input.close();
        }
    }

    private String prompt() {
        return connection.tls().isPresent() ? "smtp+tls> " : "smtp> ";
    }

    private void send(String line) throws IOException {
        rememberHelo(line);
        outstanding.incrementAndGet();
        connection.sendLine(line);
        transcript.client(line);
    }

    private void rememberHelo(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        if ((upper.startsWith("EHLO ") || upper.startsWith("HELO ")) && line.length() > 5) {
            helo = line.substring(5).trim();
        }
    }

    private void readReplies() {
        try {
            while (true) {
                Reply reply;
                try {
                    reply = connection.readReply();
                } catch (SocketTimeoutException e) {
                    // a quiet server is normal when a person is typing: keep listening
                    continue;
                }
                lastReply = reply;
                for (String wireLine : reply.wireText().split("\r\n")) {
                    transcript.server(wireLine);
                    input.print(colored(reply.code(), wireLine));
                }
                if (explainEvery) {
                    for (String line : ReplyExplainer.explain(reply).text().split("\n")) {
                        input.print("  # " + line.trim());
                    }
                }
                replies.add(reply);
                outstanding.updateAndGet(count -> Math.max(0, count - 1));
                if (pauseAfterReply) {
                    pauseAfterReply = false;
                    resume.await();
                }
            }
        } catch (ConnectionClosedException e) {
            input.print("(the server closed the connection)");
        } catch (IOException e) {
            if (!connection.isClosed()) {
                input.print("(connection lost: " + e.getMessage() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            serverClosed.countDown();
        }
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

    /** Returns false when the session should end. */
    private boolean helper(String line) throws IOException, InterruptedException {
        String[] words = line.split("\\s+");
        awaitEarlierReplies();
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "/help" -> input.print(HELP);
            case "/quit" -> {
                replies.clear();
                send("QUIT");
                awaitReply();
                return false;
            }
            case "/explain" -> input.print(lastReply == null ? "no reply yet"
                    : ReplyExplainer.explain(lastReply).text());
            case "/save" -> save(words);
            case "/data" -> data();
            case "/starttls" -> startTls();
            case "/auth" -> auth(words);
            default -> input.print("unknown helper " + words[0] + "; /help lists them");
        }
        return true;
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

    /**
     * Lines from a pipe go out without waiting; a helper that needs its own reply (DATA's 354,
     * STARTTLS's 220) first lets the replies to everything sent before it arrive.
     */
    private void awaitEarlierReplies() throws InterruptedException {
        long deadline = System.nanoTime() + replyTimeout.toNanos();
        while (outstanding.get() > 0 && serverClosed.getCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        replies.clear();
    }

    private Reply awaitReply() throws InterruptedException {
        Reply reply = replies.poll(replyTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (reply == null) {
            input.print("(no reply within " + replyTimeout.toSeconds() + " s)");
        }
        return reply;
    }

    private void data() throws IOException, InterruptedException {
        replies.clear();
        send("DATA");
        Reply go = awaitReply();
        if (go == null || go.code() != 354) {
            input.print("the server did not say 354, so no message was sent");
            return;
        }
        input.print("write the message: headers, a blank line, the body; a line with only \".\" ends it");
        StringBuilder message = new StringBuilder();
        String line;
        while ((line = input.readLine("data> ")) != null && !line.equals(".")) {
            message.append(line).append("\r\n");
        }
        byte[] wire = DotStuffing.encode(message.toString().getBytes(StandardCharsets.UTF_8));
        outstanding.incrementAndGet();
        connection.sendBytes(wire);
        transcript.client("[message: " + message.length() + " bytes, then the lone dot]");
        awaitReply();
    }

    private void startTls() throws IOException, InterruptedException {
        replies.clear();
        resume = new CountDownLatch(1);
        pauseAfterReply = true;
        send("STARTTLS");
        Reply reply = awaitReply();
        try {
            if (reply != null && reply.code() == 220) {
                connection.startTls(tlsSettings);
                input.print("(TLS started: " + connection.tls().map(tls -> tls.protocol() + ", " + tls.cipher())
                        .orElse("?") + ")");
            }
        } catch (IOException e) {
            input.print("(TLS failed: " + e.getMessage() + ")");
            throw e;
        } finally {
            pauseAfterReply = false;
            resume.countDown();
        }
        if (reply != null && reply.code() == 220) {
            replies.clear();
            send("EHLO " + helo);
            awaitReply();
        }
    }

    private void auth(String[] words) throws IOException, InterruptedException {
        if (words.length < 2 || !List.of("plain", "login").contains(words[1].toLowerCase(Locale.ROOT))) {
            input.print("use /auth plain [USER] or /auth login [USER]");
            return;
        }
        String user = words.length > 2 ? words[2] : input.readLine("user: ");
        String password = input.readSecret("password: ");
        if (user == null || password == null) {
            return;
        }
        replies.clear();
        authenticate(words[1], user, password);
    }

    private void authenticate(String mechanism, String user, String password) throws IOException, InterruptedException {
        if (mechanism.equalsIgnoreCase("plain")) {
            outstanding.incrementAndGet();
            connection.sendSecretLine("AUTH PLAIN " + Sasl.plain(user, password), "AUTH PLAIN ****");
            transcript.client("AUTH PLAIN ****");
            awaitReply();
            return;
        }
        send("AUTH LOGIN");
        Reply reply = awaitReply();
        if (reply != null && reply.code() == 334) {
            send(Sasl.base64(user));
            reply = awaitReply();
        }
        if (reply != null && reply.code() == 334) {
            outstanding.incrementAndGet();
            connection.sendSecretLine(Sasl.base64(password), "****");
            transcript.client("****");
            awaitReply();
        }
    }
}
