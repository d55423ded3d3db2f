package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.ConnectionMode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * The server socket SubEthaSMTP accepts from. Underneath it is a real listener that can be
 * switched: on (NORMAL, SILENT), off (REFUSED: nothing listens, so connects are refused), or a
 * listener that is never accepted from, its queue filled by ourselves (BLOCKED: new SYNs are
 * dropped, so connects hang and time out, as behind a firewall). SubEthaSMTP's accept thread
 * simply waits while the port is not on.
 */
final class SwitchablePort extends ServerSocket {
    private static final int FILL_CONNECT_TIMEOUT_MS = 250;
    private static final int MAX_FILLERS = 64;

    private final ServerContext context;
    private final java.util.function.Supplier<javax.net.ssl.SSLContext> implicitTls;
    private final String listenerInbox;
    private final Object lock = new Object();
    private InetSocketAddress address;
    private int backlog;
    private ConnectionMode mode = ConnectionMode.NORMAL;
    private TappedServerSocket listener;
    private ServerSocket blockedListener;
    private final List<Socket> fillers = new ArrayList<>();
    private boolean closed;
    /** The listener SubEthaSMTP's accept thread is blocked in, if any. */
    private ServerSocket acceptingOn;

    /**
     * @param implicitTls   TLS from the first byte (the SMTPS port), or null
     * @param listenerInbox the inbox whose mail this port takes, or null for the main ports
     */
    SwitchablePort(ServerContext context, java.util.function.Supplier<javax.net.ssl.SSLContext> implicitTls,
                   String listenerInbox)
            throws IOException {
        this.context = context;
        this.implicitTls = implicitTls;
        this.listenerInbox = listenerInbox;
    }

    /** The inbox whose mail this port takes, or null for the main ports. */
    String listenerInbox() {
        return listenerInbox;
    }

    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
        synchronized (lock) {
            InetSocketAddress requested = (InetSocketAddress) endpoint;
            this.backlog = backlog;
            TappedServerSocket first = open(requested);
            this.address = new InetSocketAddress(requested.getAddress(), first.getLocalPort());
            if (mode == ConnectionMode.NORMAL || mode == ConnectionMode.SILENT) {
                listener = first;
            } else {
                first.close();
                enter(mode);
            }
        }
    }

    private TappedServerSocket open(InetSocketAddress where) throws IOException {
        TappedServerSocket socket = new TappedServerSocket(context, implicitTls, listenerInbox);
        try {
            socket.setReuseAddress(true);
            socket.bind(where, backlog);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Switches the port; a port that cannot be bound again is reported and left refused. */
    void switchTo(ConnectionMode newMode) throws IOException {
        ConnectionMode portMode = newMode == ConnectionMode.SILENT ? ConnectionMode.NORMAL : newMode;
        synchronized (lock) {
            ConnectionMode current = mode == ConnectionMode.SILENT ? ConnectionMode.NORMAL : mode;
            mode = newMode;
            if (address == null || closed || current == portMode) {
                return;
            }
            TappedServerSocket old = listener;
            leave();
            awaitAcceptReturnedFrom(old);
            enter(portMode);
            lock.notifyAll();
        }
    }

    // Java closes a socket that a thread is blocked in only once that thread returns, and until
    // then the kernel still completes handshakes into its queue: a "refused" port would accept.
    private void awaitAcceptReturnedFrom(ServerSocket old) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (old != null && acceptingOn == old && System.nanoTime() < deadline) {
            try {
                lock.wait(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void leave() {
        closeQuietly(listener);
        listener = null;
        for (Socket filler : fillers) {
            closeQuietly(filler);
        }
        fillers.clear();
        closeQuietly(blockedListener);
        blockedListener = null;
    }

    private void enter(ConnectionMode portMode) throws IOException {
        switch (portMode) {
            case NORMAL, SILENT -> listener = open(address);
            case REFUSED -> {
                // nothing listens
            }
            case BLOCKED -> block();
        }
    }

    // A backlog of 1 that nobody accepts from is full after a connection or two; Linux then drops
    // further SYNs instead of refusing them, which is exactly what a firewall's DROP looks like.
    private void block() throws IOException {
        blockedListener = new ServerSocket();
        blockedListener.setReuseAddress(true);
        blockedListener.bind(address, 1);
        InetSocketAddress target = new InetSocketAddress(
                address.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address.getAddress(),
                address.getPort());
        for (int i = 0; i < MAX_FILLERS; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(target, FILL_CONNECT_TIMEOUT_MS);
                fillers.add(filler);
            } catch (SocketTimeoutException e) {
                filler.close();
                return;
            }
        }
    }

    @Override
    public Socket accept() throws IOException {
        while (true) {
            TappedServerSocket current;
            synchronized (lock) {
                while (!closed && listener == null) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SocketException("interrupted while the port was switched off");
                    }
                }
                if (closed) {
                    throw new SocketException("Socket is closed");
                }
                current = listener;
                acceptingOn = current;
            }
            try {
                return current.accept();
            } catch (IOException e) {
                synchronized (lock) {
                    if (closed || current == listener) {
                        throw e;
                    }
                }
                // the port was switched while we waited: wait on the new state
            } finally {
                synchronized (lock) {
                    acceptingOn = null;
                    lock.notifyAll();
                }
            }
        }
    }

    @Override
    public int getLocalPort() {
        synchronized (lock) {
            return address == null ? -1 : address.getPort();
        }
    }

    @Override
    public InetAddress getInetAddress() {
        synchronized (lock) {
            return address == null ? null : address.getAddress();
        }
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        synchronized (lock) {
            return address;
        }
    }

    @Override
    public boolean isBound() {
        synchronized (lock) {
            return address != null;
        }
    }

    @Override
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            closed = true;
            leave();
            lock.notifyAll();
        }
        super.close();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException e) {
                // closing for good: nothing to do
            }
        }
    }
}
