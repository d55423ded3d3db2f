package dev.smtplab.client.diagnose.policy;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTPS GET to an address found through the diagnosis's own DNS (the JDK's HTTP client would
 * ask the system's resolver), with the certificate checked for the host name; no redirects are
 * followed, as RFC 8461, 3.3 requires for MTA-STS policies.
 */
final class HttpsGet {
    /** RFC 8461, 3.2 bounds a policy at 64 KB. */
    static final int MAX_BODY = 64 * 1024;

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private HttpsGet() {
    }

    /**
     * @param verifyHost check that the certificate is for {@code host} (false only with --insecure)
     * @throws IOException when the connection, the handshake or the response fails; the message says which
     */
    static Response get(String host, String address, int port, String path, SSLSocketFactory tls, boolean verifyHost,
                        Duration connectTimeout, Duration readTimeout) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            plain.setSoTimeout((int) readTimeout.toMillis());
            SSLSocket socket = (SSLSocket) tls.createSocket(plain, host, port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(host)));
            if (verifyHost) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: smtplab-diagnose\r\n"
                    + "Accept: text/plain\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(socket.getInputStream());
        } finally {
            plain.close();
        }
    }

    static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] status = statusLine.split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/") || !status[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked(in);
        } else if (headers.containsKey("content-length")) {
            long length = Long.parseLong(headers.get("content-length"));
            if (length > MAX_BODY) {
                throw new IOException("the response is " + length + " bytes, more than " + MAX_BODY);
            }
            body = in.readNBytes((int) length);
        } else {
            body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new IOException("the response is more than " + MAX_BODY + " bytes");
            }
        }
        return new Response(Integer.parseInt(status[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in).split(";")[0].trim();
            int length;
            try {
                length = Integer.parseInt(size, 16);
            } catch (NumberFormatException e) {
                throw new IOException("a broken chunk size: " + size);
            }
            if (length == 0) {
                return body.toByteArray();
            }
            if (body.size() + length > MAX_BODY) {
                throw new IOException("the response is more than " + MAX_BODY + " bytes");
            }
            body.write(in.readNBytes(length));
            line(in);
        }
    }

    /** A header line without its CRLF; the connection closing early is an error. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection closed in the middle of the response");
            }
            if (line.size() > 8192) {
                throw new IOException("a response line longer than 8 KB");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
