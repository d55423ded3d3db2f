package dev.smtplab.server.bounce;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Just enough of an SMTP client to hand a report to the application's bounce handler (--bounce-relay):
 * EHLO (HELO if refused), MAIL FROM:<>, RCPT TO, DATA with the content dot-stuffed, QUIT.
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
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            expect(in, 2);
            command(out, "EHLO " + helo);
            try {
                expect(in, 2);
            } catch (Refused e) {
                command(out, "HELO " + helo);
                expect(in, 2);
            }
            command(out, "MAIL FROM:<>");
            expect(in, 2);
            command(out, "RCPT TO:<" + recipient + ">");
            expect(in, 2);
            command(out, "DATA");
            expect(in, 3);
            out.write(dotStuffed(message));
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, 2);
            command(out, "QUIT");
        }
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one whole reply; throws unless its code starts with the digit wanted. */
    private static void expect(InputStream in, int wanted) throws IOException {
        String last;
        StringBuilder reply = new StringBuilder();
        do {
            last = line(in);
            reply.append(reply.length() == 0 ? "" : " / ").append(last);
        } while (last.length() > 3 && last.charAt(3) == '-');
        if (last.length() < 3 || !Character.isDigit(last.charAt(0))) {
            throw new IOException("not an SMTP reply: " + reply);
        }
        int code = Integer.parseInt(last.substring(0, 3));
        if (code / 100 != wanted) {
            throw new Refused(code, reply.toString());
        }
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
