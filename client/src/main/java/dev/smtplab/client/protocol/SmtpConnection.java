package dev.smtplab.client.protocol;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One SMTP connection from the client side: lines out with CRLF, whole replies in (multi-line ones
 * gathered), each read bounded by a reply timeout.
 */
public final class SmtpConnection implements Closeable {
    /** RFC 5321, 4.5.3.1.5 allows 512; real servers send longer, so only absurd lines are refused. */
    private static final int MAX_REPLY_LINE = 64 * 1024;

    private final String host;
    private volatile Socket socket;
    private volatile InputStream in;
    private volatile OutputStream out;
    private volatile TlsInfo tls;
    private final List<WireListener> listeners = new CopyOnWriteArrayList<>();

    private SmtpConnection(Socket socket, String host) throws IOException {
        this.host = host;
        use(socket);
    }

    private void use(Socket newSocket) throws IOException {
        this.socket = newSocket;
        this.in = new BufferedInputStream(newSocket.getInputStream());
        this.out = newSocket.getOutputStream();
    }

    /**
     * Connects; the exceptions are the JDK's own (ConnectException for refused,
     * SocketTimeoutException for no answer, UnknownHostException), so callers can tell them apart.
     */
    public static SmtpConnection connect(String host, int port, Duration connectTimeout, Duration replyTimeout)
            throws IOException {
        return connect(host, host, port, connectTimeout, replyTimeout);
    }

    /**
     * Connects to one address of a server known by name (an MX host): TLS then asks for and checks
     * a certificate for {@code serverName} (SNI), not for the address.
     */
    public static SmtpConnection connect(String serverName, String address, int port, Duration connectTimeout,
                                         Duration replyTimeout) throws IOException {
        String host = serverName;
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) replyTimeout.toMillis());
            socket.setTcpNoDelay(true);
            return new SmtpConnection(socket, host);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects and starts TLS at once, as on port 465 (implicit TLS). */
    public static SmtpConnection connectTls(String host, int port, Duration connectTimeout, Duration replyTimeout,
                                            TlsSettings settings) throws IOException {
        SmtpConnection connection = connect(host, port, connectTimeout, replyTimeout);
        try {
            connection.startTls(settings);
            return connection;
        } catch (IOException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Starts TLS on this connection (after a 220 to STARTTLS, or at once for implicit TLS): checks
     * the certificate and the host name as the settings say.
     *
     * @throws TlsFailure with the reason in plain words when the handshake or the check fails
     */
    public void startTls(TlsSettings settings) throws IOException {
        startTls(settings.socketFactory(), !settings.insecure());
    }

    /**
     * Starts TLS and checks the certificate and host name as the settings say, but does not fail
     * on a certificate that does not verify: returns why it did not, for the caller to show (an
     * interactive session warns, diagnose reports). Handshake failures still throw.
     */
    public Optional<String> startTlsObserving(TlsSettings settings) throws IOException {
        if (settings.insecure()) {
            startTls(settings);
            return Optional.empty();
        }
        ObservingTrust trust = new ObservingTrust(settings.trustManager());
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
            startTls(context.getSocketFactory(), true);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
        return trust.failure() == null ? Optional.empty() : Optional.of(TlsFailure.reason(trust.failure(), host));
    }

    /** Starts TLS with this factory; the host name is checked (by its trust manager) when asked. */
    public void startTls(javax.net.ssl.SSLSocketFactory factory, boolean checkHostName) throws IOException {
        SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, socket.getPort(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        if (checkHostName) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        ssl.setSSLParameters(parameters);
        ssl.setUseClientMode(true);
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            throw TlsFailure.from(e, host);
        }
        use(ssl);
        tls = TlsInfo.of(ssl.getSession());
    }

    /** The certificates the server presented, once TLS has started. */
    public java.security.cert.Certificate[] peerCertificates() {
        try {
            return socket instanceof SSLSocket ssl ? ssl.getSession().getPeerCertificates()
                    : new java.security.cert.Certificate[0];
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return new java.security.cert.Certificate[0];
        }
    }

    /** The TLS session, once TLS has started. */
    public Optional<TlsInfo> tls() {
        return Optional.ofNullable(tls);
    }

    public void addListener(WireListener listener) {
        listeners.add(listener);
    }

    /** Sends one line, adding CRLF. */
    public void sendLine(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        for (WireListener listener : listeners) {
            listener.sent(line, tls != null);
        }
    }

    /** Sends a line that is a secret (an AUTH response); listeners see {@code shown} instead. */
    public void sendSecretLine(String line, String shown) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        for (WireListener listener : listeners) {
            listener.sent(shown, tls != null);
        }
    }

    /** Tells listeners of something sent without a line of its own (message content, summarised). */
    public void noteSent(String summary) {
        for (WireListener listener : listeners) {
            listener.sent(summary, tls != null);
        }
    }

    /** Sends bytes as they are (message content); listeners are not told, the caller summarises. */
    public void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a command and returns its reply. */
    public Reply command(String line) throws IOException {
        sendLine(line);
        return readReply();
    }

    /** Reads one whole reply, all its lines. */
    public Reply readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (true) {
            String line = readLine(lines.isEmpty());
            if (line.length() < 3 || !isDigits(line.substring(0, 3))
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new SmtpProtocolException("the server sent a line that is not an SMTP reply: \""
                        + printable(line) + "\"");
            }
            int lineCode = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && lineCode != code) {
                throw new SmtpProtocolException("the server changed the reply code within one reply: "
                        + code + " then " + lineCode);
            }
            code = lineCode;
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') {
                Reply reply = new Reply(code, lines);
                for (WireListener listener : listeners) {
                    listener.received(reply, tls != null);
                }
                return reply;
            }
        }
    }

    private String readLine(boolean firstOfReply) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                SocketTimeoutException timeout = new SocketTimeoutException("no reply within "
                        + socket.getSoTimeout() / 1000.0 + " s");
                timeout.initCause(e);
                throw timeout;
            }
            if (firstOfReply && line.size() == 1 && b == 0x03 && looksLikeTlsRecord(line.toByteArray()[0])) {
                throw new TlsBytesException();
            }
            if (b < 0) {
                throw new ConnectionClosedException(firstOfReply && line.size() == 0
                        ? "the server closed the connection"
                        : "the server closed the connection in the middle of a reply");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_REPLY_LINE) {
                throw new SmtpProtocolException("the server sent a reply line longer than " + MAX_REPLY_LINE + " bytes");
            }
            line.write(b);
        }
    }

    /** A TLS record starts with its content type (alert 21, handshake 22) and then the version's 3. */
    private static boolean looksLikeTlsRecord(byte first) {
        return first == 0x15 || first == 0x16;
    }

    private static boolean isDigits(String text) {
        return text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String printable(String line) {
        String cut = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    public Socket socket() {
        return socket;
    }

    public boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
