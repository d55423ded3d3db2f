package dev.smtplab.client.record;

import dev.smtplab.client.AtomicFile;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * smtplab record's listener: on a loopback port, each client connection is relayed to the real
 * server on a thread of its own ({@link RelayedSession}), at most {@value #MAX_SESSIONS} at once,
 * and after each session the recording file is written again, whole: into a temporary file beside
 * it, then moved over it, so a reader (or a kill) never finds it half-written.
 */
public final class RecordingProxy implements AutoCloseable {
    static final int MAX_SESSIONS = 16;

    private final ServerSocket listener;
    private final Upstream upstream;
    private final Recording recording;
    private final Path file;
    private final String header;
    private final SSLContext clientTls;
    private final boolean noData;
    private final Consumer<String> show;
    private final ExecutorService sessions = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "smtplab-record-session");
        thread.setDaemon(true);
        return thread;
    });
    private final Semaphore open = new Semaphore(MAX_SESSIONS);

    /**
     * @param port      the loopback port to listen on; 0 for a free one
     * @param clientTls the TLS the client gets after STARTTLS (SMTP Lab's local CA)
     * @param header    the comment at the top of the file
     * @throws IOException naming the port when it cannot be listened on
     */
    public RecordingProxy(int port, Upstream upstream, Recording recording, Path file, String header,
                          SSLContext clientTls, boolean noData, Consumer<String> show) throws IOException {
        this.upstream = upstream;
        this.recording = recording;
        this.file = file;
        this.header = header;
        this.clientTls = clientTls;
        this.noData = noData;
        this.show = show;
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen on 127.0.0.1:" + port + (e instanceof java.net.BindException
                    ? ": the port is already in use" : ": " + e.getMessage()), e);
        }
        this.listener = socket;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Accepts and relays until closed. */
    public void serve() {
        int number = 0;
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (!open.tryAcquire()) {
                refuseBusy(client);
                continue;
            }
            int session = ++number;
            sessions.execute(() -> relay(client, session));
        }
    }

    private void relay(Socket client, int session) {
        Consumer<String> shown = line -> show.accept("[" + session + "] " + line);
        try {
            shown.accept("-- client " + client.getInetAddress().getHostAddress() + ":" + client.getPort()
                    + " connected");
            new RelayedSession(client, upstream, recording, clientTls, noData, shown).run();
        } catch (IOException | RuntimeException e) {
            shown.accept("-- the session ended: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        } finally {
            open.release();
            try {
                write();
                shown.accept("-- " + file + " written (" + recording.sessions() + " session(s) so far)");
            } catch (IOException e) {
                shown.accept("-- cannot write " + file + ": " + e.getMessage());
            }
        }
    }

    private static void refuseBusy(Socket client) {
        try (Socket busy = client) {
            busy.getOutputStream().write(("421 4.7.0 smtplab record relays " + MAX_SESSIONS
                    + " sessions at once; try again in a moment\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // The client went already.
        }
    }

    /** Writes the recording, whole, over the file. */
    public synchronized void write() throws IOException {
        AtomicFile.write(file, recording.yaml(header));
    }

    /** Stops listening, waits a moment for the sessions in progress, and writes the file a last time. */
    @Override
    public void close() throws IOException {
        listener.close();
        sessions.shutdown();
        try {
            sessions.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sessions.shutdownNow();
        write();
    }
}
