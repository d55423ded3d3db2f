package dev.smtplab.server.smtp;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/** The SMTP listener: hands SubEthaSMTP sockets whose traffic is recorded. */
final class TappedServerSocket extends ServerSocket {
    private final ServerContext server;

    TappedServerSocket(ServerContext server) throws IOException {
        this.server = server;
    }

    @Override
    public Socket accept() throws IOException {
        TappedSocket socket = new TappedSocket(server);
        implAccept(socket);
        socket.startRecording();
        return socket;
    }
}
