package dev.smtplab.client.record;

import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.SmtpConnection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One client's session relayed to the real server, command by command: each line the client
 * types goes upstream, each reply comes back unchanged, and the recording learns from both. At
 * STARTTLS both sides go over TLS: the upstream's is checked as the client options say, the
 * client's is ours, made with SMTP Lab's local CA (a recording proxy sees the plain text, as any
 * test MITM does). AUTH lines are relayed but shown as ****, and never recorded.
 */
final class RelayedSession {
    private static final int MAX_LINE = 64 * 1024;

    private final Socket client;
    private final Upstream upstream;
    private final Recording recording;
    private final SSLContext clientTls;
    private final boolean noData;
    private final Consumer<String> show;

    RelayedSession(Socket client, Upstream upstream, Recording recording, SSLContext clientTls, boolean noData,
                   Consumer<String> show) {
        this.client = client;
        this.upstream = upstream;
        this.recording = recording;
        this.clientTls = clientTls;
        this.noData = noData;
        this.show = show;
    }

    void run() throws IOException {
        recording.sessionStarted();
        try (Socket clientSocket = client; SmtpConnection server = upstream.open()) {
            Socket plain = clientSocket;
            InputStream in = new BufferedInputStream(plain.getInputStream());
            OutputStream out = plain.getOutputStream();
            String helo = null;
            boolean overTls = false;
            long started = System.nanoTime();
            Reply greeting = server.readReply();
            Recording.Session values = new Recording.Session(null, server.socket().getLocalAddress().getHostAddress());
            recording.greeting(greeting, since(started), values);
            toClient(out, greeting, overTls);
            if (greeting.code() != 220) {
                return;
            }
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    show.accept("-- the client closed the connection");
                    return;
                }
                String verb = verb(line);
                if (verb.equals("HELO") || verb.equals("EHLO")) {
                    helo = argument(line);
                }
                values = new Recording.Session(helo, values.clientAddress());
                if (verb.equals("DATA") && noData) {
                    show.accept((overTls ? "~> " : "-> ") + line);
                    toClient(out, Reply.of(554, "5.3.0 Not relayed: smtplab record --no-data stops before DATA, so "
                            + "nothing is delivered"), overTls);
                    continue;
                }
                if (verb.equals("BDAT")) {
                    show.accept((overTls ? "~> " : "-> ") + line);
                    toClient(out, Reply.of(502, "5.5.1 smtplab record relays DATA, not BDAT"), overTls);
                    continue;
                }
                if (verb.equals("AUTH")) {
                    String[] words = line.split(" ", 3);
                    server.sendSecretLine(line, words.length > 2 ? words[0] + " " + words[1] + " ****" : line);
                    show.accept((overTls ? "~> " : "-> ") + (words.length > 2 ? words[0] + " " + words[1] + " ****"
                            : line));
                } else {
                    server.sendLine(line);
                    show.accept((overTls ? "~> " : "-> ") + line);
                }
                started = System.nanoTime();
                Reply reply = server.readReply();
                Duration took = since(started);
                while (verb.equals("AUTH") && reply.code() == 334) {
                    toClient(out, reply, overTls);
                    String answer = readLine(in);
                    if (answer == null) {
                        return;
                    }
                    server.sendSecretLine(answer, "****");
                    show.accept((overTls ? "~> " : "-> ") + "****");
                    started = System.nanoTime();
                    reply = server.readReply();
                    took = since(started);
                }
                recording.reply(verb, address(verb, line), reply, took, overTls, values);
                toClient(out, verb.equals("EHLO") ? withoutChunking(reply) : reply, overTls);
                if (verb.equals("DATA") && reply.code() == 354) {
                    long octets = relayContent(in, server);
                    show.accept((overTls ? "~> " : "-> ") + "[message content: " + octets + " octets, then the lone dot]");
                    started = System.nanoTime();
                    Reply accepted = server.readReply();
                    recording.messageReply(accepted, since(started), values);
                    toClient(out, accepted, overTls);
                } else if (verb.equals("STARTTLS") && reply.code() == 220) {
                    upstream.startTls(server);
                    SSLSocket tls = (SSLSocket) clientTls.getSocketFactory().createSocket(plain,
                            plain.getInetAddress().getHostAddress(), plain.getPort(), true);
                    tls.setUseClientMode(false);
                    tls.startHandshake();
                    show.accept("== TLS on both sides: " + tls.getSession().getProtocol() + " with the client, "
                            + server.tls().map(info -> info.protocol()).orElse("TLS") + " with the server");
                    in = new BufferedInputStream(tls.getInputStream());
                    out = tls.getOutputStream();
                    overTls = true;
                } else if (reply.code() == 221 || reply.code() == 421) {
                    return;
                }
            }
        }
    }

    private void toClient(OutputStream out, Reply reply, boolean overTls) throws IOException {
        out.write((reply.wireText() + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        reply.wireText().lines().forEach(line -> show.accept((overTls ? "<~ " : "<- ") + line));
    }

    /** The client sees no CHUNKING: the proxy relays messages with DATA only. The recording keeps it. */
    private static Reply withoutChunking(Reply reply) {
        if (reply.code() != 250) {
            return reply;
        }
        List<String> lines = new ArrayList<>(reply.lines());
        lines.removeIf(line -> line.equalsIgnoreCase("CHUNKING"));
        return new Reply(reply.code(), lines);
    }

    /** The message, line by line until the lone dot (sent on too), as the client wrote it. */
    private static long relayContent(InputStream in, SmtpConnection server) throws IOException {
        long octets = 0;
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new IOException("the client closed the connection in the middle of the message");
            }
            byte[] bytes = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
            server.sendBytes(bytes);
            if (line.equals(".")) {
                return octets;
            }
            octets += bytes.length;
        }
    }

    /**
     * A line without its CRLF (a bare LF ends one too); null at the end of the stream, even after part
     * of a line: what a client did not finish is never relayed (a lone "." cut before its CRLF would
     * otherwise deliver a message the client never ended).
     */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("the client sent a line longer than " + MAX_LINE + " octets");
            }
            line.write(b);
        }
    }

    private static String verb(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    private static String argument(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? "" : line.substring(space + 1).trim();
    }

    /** MAIL's or RCPT's address, without the brackets; null for other commands. */
    static String address(String verb, String line) {
        if (!verb.equals("MAIL") && !verb.equals("RCPT")) {
            return null;
        }
        int open = line.indexOf('<');
        int close = line.indexOf('>', open + 1);
        if (open >= 0 && close > open) {
            return line.substring(open + 1, close);
        }
        int colon = line.indexOf(':');
        return colon < 0 ? null : line.substring(colon + 1).trim().split("\\s+")[0];
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
