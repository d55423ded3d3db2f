package dev.smtplab.server.smtp;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The SMTP listener: hands SubEthaSMTP sockets whose traffic is recorded. On the implicit-TLS
 * port every socket is TLS from the start; the handshake itself runs on the session's thread.
 */
final class TappedServerSocket extends ServerSocket {
    private final ServerContext server;
    private final java.util.function.Supplier<SSLContext> implicitTls;
    private final String listenerInbox;

    TappedServerSocket(ServerContext server, java.util.function.Supplier<SSLContext> implicitTls, String listenerInbox)
            throws IOException {
        this.server = server;
        this.implicitTls = implicitTls;
        this.listenerInbox = listenerInbox;
    }

    @Override
    public Socket accept() throws IOException {
        TappedSocket socket = new TappedSocket(server, listenerInbox);
        implAccept(socket);
        socket.startRecording();
        return implicitTls == null ? socket : startTls(socket, implicitTls.get());
    }

    /**
     * TLS on top of a recorded socket, as the server side; no name lookup (SubEthaSMTP's default does
     * one). The TLS layer does not close the plain socket on a fatal alert: the session closes it, once
     * it has recorded why (TlsTappedSocket.close closes both).
     */
    static TlsTappedSocket startTls(TappedSocket socket, SSLContext tls) throws IOException {
        socket.passthrough();
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), false);
        ssl.setUseClientMode(false);
        return new TlsTappedSocket(ssl, socket);
    }
}
