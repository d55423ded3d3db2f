package dev.smtplab.server.bounce;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of an SMTP client to hand a message on: a report to the application's bounce handler
 * (--bounce-relay), or a captured message released to a real server the user names. EHLO (HELO if
 * refused), TLS from the first byte or STARTTLS, AUTH PLAIN (over TLS only), MAIL FROM, RCPT TO for
 * each recipient, DATA with the content dot-stuffed, QUIT.
 */
public final class RelayClient {
    private RelayClient() {
    }

    /** A reply that was not the one wanted: temporary (4xx, worth a retry) or permanent (5xx). */
    public static final class Refused extends IOException {
        private final int code;

        Refused(int code, String reply) {
            super(reply);
            this.code = code;
        }

        public boolean temporary() {
            return code / 100 == 4;
        }
    }

    /** Delivers the message from the null sender to the recipient; throws on anything but success. */
    public static void send(String host, int port, String helo, String recipient, byte[] message, Duration timeout)
            throws IOException {
        send(new Request(host, port, helo, "", List.of(recipient), Tls.NONE, null, false, null, null, timeout), message);
    }

    /** How a message is handed on: TLS from the first byte, after STARTTLS, or none. */
    public enum Tls {
        NONE,
        STARTTLS,
        IMPLICIT
    }

    /**
     * Where and how to hand a message on.
     *
     * @param tlsFactory    checks the server's certificate as the caller chose; null without TLS
     * @param checkHostName whether the certificate must also be for {@code host}, as a browser checks
     * @param user          logs in with AUTH PLAIN (after TLS only) when not null
     */
    public record Request(String host, int port, String helo, String from, List<String> recipients, Tls tls,
                          SSLSocketFactory tlsFactory, boolean checkHostName, String user, String password,
                          Duration timeout) {
        public Request {
            recipients = List.copyOf(recipients);
        }
    }

    /**
     * Hands the message on; returns the dialogue, a line each ("S: 250 ...", "C: MAIL FROM:<...>"),
     * the login shown as ****.
     *
     * @throws Refused when the server refuses a step (its reply and the command say which)
     */
    public static List<String> send(Request request, byte[] message) throws IOException {
        List<String> dialogue = new ArrayList<>();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(request.host(), request.port()), (int) request.timeout().toMillis());
            plain.setSoTimeout((int) request.timeout().toMillis());
            Socket socket = request.tls() == Tls.IMPLICIT ? handshake(plain, request) : plain;
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            expect(in, 2, "the greeting", dialogue);
            List<String> extensions = ehlo(in, out, request.helo(), dialogue);
            if (request.tls() == Tls.STARTTLS) {
                if (extensions.stream().noneMatch(e -> e.equalsIgnoreCase("STARTTLS"))) {
                    throw new IOException("the server does not offer STARTTLS");
                }
                command(out, "STARTTLS", dialogue);
                expect(in, 2, "STARTTLS", dialogue);
                socket = handshake(socket, request);
                in = new BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
                ehlo(in, out, request.helo(), dialogue);
            }
            if (request.user() != null) {
                if (request.tls() == Tls.NONE) {
                    throw new IOException("a login is sent over TLS only: choose STARTTLS or TLS");
                }
                String plainAuth = java.util.Base64.getEncoder().encodeToString(("\0" + request.user() + "\0"
                        + request.password()).getBytes(StandardCharsets.UTF_8));
                out.write(("AUTH PLAIN " + plainAuth + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                dialogue.add("C: AUTH PLAIN ****");
                expect(in, 2, "AUTH", dialogue);
            }
            command(out, "MAIL FROM:<" + request.from() + ">", dialogue);
            expect(in, 2, "MAIL FROM:<" + request.from() + ">", dialogue);
            for (String recipient : request.recipients()) {
                command(out, "RCPT TO:<" + recipient + ">", dialogue);
                expect(in, 2, "RCPT TO:<" + recipient + ">", dialogue);
            }
            command(out, "DATA", dialogue);
            expect(in, 3, "DATA", dialogue);
            out.write(dotStuffed(message));
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            dialogue.add("C: (the message, " + message.length + " octets) .");
            expect(in, 2, "the message", dialogue);
            command(out, "QUIT", dialogue);
        }
        return dialogue;
    }

    private static List<String> ehlo(InputStream in, OutputStream out, String helo, List<String> dialogue)
            throws IOException {
        command(out, "EHLO " + helo, dialogue);
        try {
            String reply = expect(in, 2, "EHLO", dialogue);
            List<String> extensions = new ArrayList<>();
            String[] lines = reply.split(" / ");
            for (int i = 1; i < lines.length; i++) {
                extensions.add(lines[i].substring(Math.min(4, lines[i].length())).split(" ")[0]);
            }
            return extensions;
        } catch (Refused e) {
            command(out, "HELO " + helo, dialogue);
            expect(in, 2, "HELO", dialogue);
            return List.of();
        }
    }

    private static Socket handshake(Socket socket, Request request) throws IOException {
        SSLSocket tls = (SSLSocket) request.tlsFactory().createSocket(socket, request.host(), request.port(), true);
        tls.setUseClientMode(true);
        if (request.checkHostName()) {
            javax.net.ssl.SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
        }
        tls.startHandshake();
        return tls;
    }

    private static void command(OutputStream out, String line, List<String> dialogue) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        dialogue.add("C: " + line);
    }

    /** Reads one whole reply (its lines joined by " / "); throws unless its code starts with the digit wanted. */
    private static String expect(InputStream in, int wanted, String step, List<String> dialogue) throws IOException {
        String last;
        StringBuilder reply = new StringBuilder();
        do {
            last = line(in);
            reply.append(reply.length() == 0 ? "" : " / ").append(last);
        } while (last.length() > 3 && last.charAt(3) == '-');
        dialogue.add("S: " + reply);
        if (last.length() < 3 || !Character.isDigit(last.charAt(0))) {
            throw new IOException("not an SMTP reply: " + reply);
        }
        int code = Integer.parseInt(last.substring(0, 3));
        if (code / 100 != wanted) {
            throw new Refused(code, step + " was refused: " + reply);
        }
        return reply.toString();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() > 4096) {
                throw new IOException("a reply line longer than 4096 octets");
            }
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            throw new IOException("the server closed the connection");
        }
        return line.toString(StandardCharsets.UTF_8).stripTrailing();
    }

    /** The content with a dot added before each line that starts with one (RFC 5321, 4.5.2), ending in CRLF. */
    static byte[] dotStuffed(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }
}
