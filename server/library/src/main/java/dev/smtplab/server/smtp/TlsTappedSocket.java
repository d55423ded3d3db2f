package dev.smtplab.server.smtp;

import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * The TLS layer of a recorded connection (after STARTTLS, or from the start on the implicit-TLS
 * port): an SSLSocket, so SubEthaSMTP sees TLS, whose plaintext streams are tapped like the plain
 * socket's, feeding the same recorder. Everything else is the real SSL socket's.
 */
final class TlsTappedSocket extends SSLSocket implements Tapped {
    private final SSLSocket ssl;
    private final TappedSocket plain;
    private final InboundTap inbound;
    private final OutboundTap outbound;

    TlsTappedSocket(SSLSocket ssl, TappedSocket plain) throws IOException {
        this.ssl = ssl;
        this.plain = plain;
        ConnectionRecorder recorder = plain.recorder();
        this.inbound = new InboundTap(ssl.getInputStream(), recorder, plain.deadlines(ssl));
        this.outbound = new OutboundTap(ssl.getOutputStream(), line -> TappedSocket.serverLine(recorder, inbound, line),
                plain.wording(true));
        if (plain.outbound().throttleRate() > 0) {
            outbound.throttle(plain.outbound().throttleRate());
        }
    }

    /**
     * The handshake, recorded as it ends. Not a HandshakeCompletedListener: the JDK calls those on
     * a thread of its own, after the session may already have gone on.
     */
    @Override
    public void startHandshake() throws IOException {
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            plain.recorder().endedBy("the TLS handshake failed: " + e.getMessage());
            plain.close();
            throw e;
        }
        SSLSession session = ssl.getSession();
        plain.recorder().tlsStarted(session.getProtocol(), session.getCipherSuite());
    }

    @Override
    public ConnectionRecorder recorder() {
        return plain.recorder();
    }

    @Override
    public ConnectionWords words() {
        return plain.words();
    }

    @Override
    public InboundTap inbound() {
        return inbound;
    }

    @Override
    public OutboundTap outbound() {
        return outbound;
    }

    @Override
    public InputStream rawInput() {
        try {
            return ssl.getInputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void reset() throws IOException {
        plain.reset();
    }

    @Override
    public InputStream getInputStream() {
        return inbound;
    }

    @Override
    public OutputStream getOutputStream() {
        return outbound;
    }

    @Override
    public void close() throws IOException {
        try {
            ssl.close();
        } finally {
            plain.close();
        }
    }

    // Everything below is the real SSL socket's.

    @Override public String[] getSupportedCipherSuites() { return ssl.getSupportedCipherSuites(); }
    @Override public String[] getEnabledCipherSuites() { return ssl.getEnabledCipherSuites(); }
    @Override public void setEnabledCipherSuites(String[] suites) { ssl.setEnabledCipherSuites(suites); }
    @Override public String[] getSupportedProtocols() { return ssl.getSupportedProtocols(); }
    @Override public String[] getEnabledProtocols() { return ssl.getEnabledProtocols(); }
    @Override public void setEnabledProtocols(String[] protocols) { ssl.setEnabledProtocols(protocols); }
    @Override public SSLSession getSession() { return ssl.getSession(); }
    @Override public SSLSession getHandshakeSession() { return ssl.getHandshakeSession(); }
    @Override public void addHandshakeCompletedListener(HandshakeCompletedListener listener) { ssl.addHandshakeCompletedListener(listener); }
    @Override public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) { ssl.removeHandshakeCompletedListener(listener); }
    @Override public void setUseClientMode(boolean mode) { ssl.setUseClientMode(mode); }
    @Override public boolean getUseClientMode() { return ssl.getUseClientMode(); }
    @Override public void setNeedClientAuth(boolean need) { ssl.setNeedClientAuth(need); }
    @Override public boolean getNeedClientAuth() { return ssl.getNeedClientAuth(); }
    @Override public void setWantClientAuth(boolean want) { ssl.setWantClientAuth(want); }
    @Override public boolean getWantClientAuth() { return ssl.getWantClientAuth(); }
    @Override public void setEnableSessionCreation(boolean flag) { ssl.setEnableSessionCreation(flag); }
    @Override public boolean getEnableSessionCreation() { return ssl.getEnableSessionCreation(); }
    @Override public SSLParameters getSSLParameters() { return ssl.getSSLParameters(); }
    @Override public void setSSLParameters(SSLParameters parameters) { ssl.setSSLParameters(parameters); }
    @Override public String getApplicationProtocol() { return ssl.getApplicationProtocol(); }
    @Override public InetAddress getInetAddress() { return plain.getInetAddress(); }
    @Override public InetAddress getLocalAddress() { return plain.getLocalAddress(); }
    @Override public int getPort() { return plain.getPort(); }
    @Override public int getLocalPort() { return plain.getLocalPort(); }
    @Override public SocketAddress getRemoteSocketAddress() { return plain.getRemoteSocketAddress(); }
    @Override public SocketAddress getLocalSocketAddress() { return plain.getLocalSocketAddress(); }
    @Override public boolean isConnected() { return plain.isConnected(); }
    @Override public boolean isBound() { return plain.isBound(); }
    // Closed when the connection is: the TLS layer may have closed itself on a fatal alert.
    @Override public boolean isClosed() { return plain.isClosed(); }
    @Override public void setSoTimeout(int timeout) throws SocketException { ssl.setSoTimeout(timeout); }
    @Override public int getSoTimeout() throws SocketException { return ssl.getSoTimeout(); }
    @Override public void setSoLinger(boolean on, int linger) throws SocketException { plain.setSoLinger(on, linger); }
    @Override public void setTcpNoDelay(boolean on) throws SocketException { plain.setTcpNoDelay(on); }
    @Override public void shutdownInput() throws IOException { ssl.shutdownInput(); }
    @Override public void shutdownOutput() throws IOException { ssl.shutdownOutput(); }
    @Override public boolean isInputShutdown() { return ssl.isInputShutdown(); }
    @Override public boolean isOutputShutdown() { return ssl.isOutputShutdown(); }
}
