package dev.smtplab.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A deliberately lax SMTP server for the smuggling probe's tests, on 127.0.0.1: it splits lines at
 * a bare LF (dropping a CR before it), as naive servers do, so "LF.LF", "LF.CRLF" and "CRLF.LF"
 * end its DATA early. Never a model of anything else.
 */
final class LaxSmtpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    LaxSmtpServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::serve, "lax-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The messages it took, each as it split them. */
    List<String> messages() {
        return messages;
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                client.setSoTimeout(5000);
                talk(client.getInputStream(), client.getOutputStream());
            } catch (IOException e) {
                // the next connection
            }
        }
    }

    private void talk(InputStream in, OutputStream out) throws IOException {
        reply(out, "220 lax.test ESMTP");
        StringBuilder message = null;
        for (String line = line(in); line != null; line = line(in)) {
            if (message != null) {
                if (line.equals(".")) {
                    messages.add(message.toString());
                    message = null;
                    reply(out, "250 2.0.0 Ok: queued");
                } else {
                    message.append(line).append('\n');
                }
                continue;
            }
            String verb = line.split(" ")[0].toUpperCase();
            switch (verb) {
                case "EHLO" -> reply(out, "250-lax.test\r\n250 8BITMIME");
                case "MAIL", "RCPT", "NOOP", "RSET", "HELO" -> reply(out, "250 2.0.0 Ok");
                case "DATA" -> {
                    message = new StringBuilder();
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                }
                case "QUIT" -> {
                    reply(out, "221 2.0.0 Bye");
                    return;
                }
                default -> reply(out, "502 5.5.2 Error: command not recognized");
            }
        }
    }

    /** A line up to a bare LF, a CR before it dropped: the mistake this server is here to make. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return null;
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static void reply(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
