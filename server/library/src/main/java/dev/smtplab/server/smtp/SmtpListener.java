package dev.smtplab.server.smtp;

import dev.smtplab.server.inbox.Inboxes;
import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.scenario.Responder;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The SMTP side of the server: SubEthaSMTP servers (the SMTP port, and the implicit-TLS port when
 * asked for) whose sockets, commands and message handler record everything into a
 * {@link MessageStore}. Everything SubEthaSMTP-specific stays in this package.
 */
public final class SmtpListener {
    private static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    static {
        // A client that renegotiates TLS 1.2 again and again makes the server pay for each handshake
        // (a known denial of service); servers have no use for it. The JDK reads this once, before its
        // first server handshake, so it is set here, unless the application has decided otherwise.
        if (System.getProperty(REJECT_RENEGOTIATION) == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        }
    }

    private final SmtpSettings settings;
    private final ServerContext context;
    private final SMTPServer smtp;
    private final SMTPServer smtps;
    /** Every listening socket, each following the connection mode of its inbox's scenario. */
    private final List<SwitchablePort> ports = new CopyOnWriteArrayList<>();
    /** Listeners of their own, by inbox ({@code --smtp-port NAME=PORT}). */
    private final Map<String, Listening> inboxListeners = new LinkedHashMap<>();
    private boolean started;

    private record Listening(SMTPServer server, SwitchablePort socket) {
    }

    public SmtpListener(SmtpSettings settings, MessageStore store, Inboxes inboxes, Clock clock) {
        this.settings = settings;
        this.context = new ServerContext(settings, store, clock, inboxes);
        this.smtp = build(settings.port(), null, null).server();
        this.smtps = settings.implicitTlsPort() >= 0 ? build(settings.implicitTlsPort(), settings.tls(), null).server()
                : null;
        inboxes.onScenarioChange(this::followScenarios);
        followScenarios();
    }

    /** Puts every port in the connection mode of its inbox's scenario (the server's for the main ports). */
    private void followScenarios() {
        for (SwitchablePort port : ports) {
            var mode = context.inboxes.scenariosFor(port.listenerInbox()).get().connectionMode();
            try {
                port.switchTo(mode);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot switch the SMTP port to " + mode.key() + ": " + e.getMessage(), e);
            }
        }
    }

    private Listening build(int port, java.util.function.Supplier<javax.net.ssl.SSLContext> implicitTls,
                            String listenerInbox) {
        SwitchablePort switchable;
        try {
            switchable = new SwitchablePort(context, implicitTls, listenerInbox);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ports.add(switchable);
        SMTPServer.Builder builder = SMTPServer.port(port)
                .bindAddress(settings.bindAddress())
                // Set explicitly: SubEthaSMTP's default asks DNS for the local host name.
                .hostName(settings.hostName())
                .softwareName("SMTP Lab")
                .serverSocketFactory(() -> switchable)
                .messageHandlerFactory(session -> new RecordingMessageHandler((Session) session, context))
                .sessionHandler(new ConnectHook(context))
                .insertReceivedHeaders(false)
                .maxMessageSize(settings.maxMessageSize())
                // A little over our own limit, so the connection past it is accepted and told 421
                // rather than left in the listen queue; a queue deep enough for a burst.
                .maxConnections(settings.limits().maxConnections() + 16)
                .backlog(1024)
                .connectionTimeout(settings.idleTimeoutSeconds(), TimeUnit.SECONDS);
        if (settings.tls() != null) {
            builder.enableTLS().startTlsSocketFactory(socket -> TappedServerSocket.startTls((TappedSocket) socket,
                    settings.tls().get()));
        }
        if (settings.auth().enabled()) {
            builder.authenticationHandlerFactory(new LabAuthentication(settings.auth(), settings.hostName()));
        }
        SMTPServer server = builder.build();
        recordEveryCommand(server.getCommandHandler(), context);
        return new Listening(server, switchable);
    }

    private static void recordEveryCommand(CommandHandler commands, ServerContext context) {
        commands.addCommand(new DataContentCommand());
        for (String verb : Set.copyOf(commands.getVerbs())) {
            commands.addCommand(new RecordingCommand(commands.getCommand(verb), context));
        }
        commands.addCommand(new RecordingCommand(new HelpTopicsCommand(commands, context.hostName), context));
        commands.addCommand(new RejectedLineCommand(context));
    }

    /** Tells the listener of messages, ended sessions, fired rules and replies as they happen. */
    /** Test code consulted before the rules at every stage; {@link Responder#NONE} for none. */
    public void responder(Responder responder) {
        context.rules.responder(responder);
    }

    /** Delivery status notifications also go to this SMTP server, with up to {@code attempts} tries. */
    public void bounceRelay(String host, int port, java.time.Duration firstRetry, int attempts) {
        context.notifications.relayTo(new Notifications.Relay(host, port, firstRetry, attempts));
    }

    public void addListener(ServerEventListener listener) {
        context.addListener(listener);
    }

    /** A session still connected, as it stands now; empty once it has ended (the store has it then). */
    public java.util.Optional<dev.smtplab.server.record.RecordedSession> openSession(String sessionId) {
        return context.openSession(sessionId);
    }

    /** Binds and starts accepting; a port in use gives a message that names it, and nothing is left listening. */
    public synchronized void start() {
        List<SMTPServer> all = new ArrayList<>();
        all.add(smtp);
        if (smtps != null) {
            all.add(smtps);
        }
        inboxListeners.values().forEach(listening -> all.add(listening.server()));
        List<SMTPServer> running = new ArrayList<>();
        for (SMTPServer server : all) {
            try {
                start(server);
                running.add(server);
            } catch (RuntimeException e) {
                running.forEach(SMTPServer::stop);
                throw e;
            }
        }
        started = true;
    }

    /**
     * Listens on another port whose mail goes to the inbox (0 takes a free port); at once when the
     * server runs, else from its start.
     *
     * @return the port, the real one once listening
     * @throws IllegalArgumentException when the inbox has a port already
     * @throws IllegalStateException    when the port cannot be bound
     */
    public synchronized int openInboxPort(String inbox, int port) {
        if (inboxListeners.containsKey(inbox)) {
            throw new IllegalArgumentException("inbox \"" + inbox + "\" has a port already: "
                    + port(inboxListeners.get(inbox).server()));
        }
        Listening listening = build(port, null, inbox);
        if (started) {
            try {
                start(listening.server());
            } catch (RuntimeException e) {
                ports.remove(listening.socket());
                throw e;
            }
        }
        inboxListeners.put(inbox, listening);
        followScenarios();
        return started ? port(listening.server()) : port;
    }

    /** Stops listening on the inbox's own port, closing its sessions; false if it had none. */
    public synchronized boolean closeInboxPort(String inbox) {
        Listening listening = inboxListeners.remove(inbox);
        if (listening == null) {
            return false;
        }
        ports.remove(listening.socket());
        if (started) {
            listening.server().stop();
        }
        return true;
    }

    /** The ports of the inboxes that have their own, by inbox name. */
    public synchronized Map<String, Integer> inboxPorts() {
        Map<String, Integer> found = new LinkedHashMap<>();
        inboxListeners.forEach((inbox, listening) -> found.put(inbox, port(listening.server())));
        return found;
    }

    private void start(SMTPServer server) {
        try {
            server.start();
        } catch (RuntimeException e) {
            if (e.getCause() instanceof BindException bind) {
                throw new IllegalStateException("cannot listen on " + settings.bindAddress().getHostAddress() + ":"
                        + server.getPort() + ": " + bindMessage(bind), e);
            }
            throw e;
        }
    }

    private static String bindMessage(BindException e) {
        String message = String.valueOf(e.getMessage());
        return message.toLowerCase().contains("in use") ? "the port is already in use" : message;
    }

    /** The port clients connect to: the real one when the server was asked for port 0. */
    public int port() {
        return port(smtp);
    }

    /** Octets of message content being received right now, in all sessions. */
    public long dataInFlight() {
        return context.dataBudget.inUse();
    }

    /** The implicit-TLS port, or -1 when there is none. */
    public int implicitTlsPort() {
        return smtps == null ? -1 : port(smtps);
    }

    private static int port(SMTPServer server) {
        return server.getPort() == 0 ? server.getPortAllocated() : server.getPort();
    }

    /** Stops accepting, closes open sessions (recorded as ended by the shutdown) and waits for them. */
    public synchronized void stop() {
        if (!started) {
            return;
        }
        started = false;
        context.openConnectionsStopping();
        context.notifications.stop();
        smtp.stop();
        if (smtps != null) {
            smtps.stop();
        }
        inboxListeners.values().forEach(listening -> listening.server().stop());
    }

    /** See {@link ServerContext#importMessage}. */
    public dev.smtplab.server.record.RecordedMessage importMessage(byte[] data, String mailFrom,
                                                                    java.util.List<String> recipients, String source,
                                                                    String inbox) {
        return context.importMessage(data, mailFrom, recipients, source, inbox);
    }
}
