package dev.smtplab.server.smtp;

import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.scenario.Responder;
import dev.smtplab.server.scenario.ScenarioHolder;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    private final List<SwitchablePort> ports = new ArrayList<>();
    private boolean started;

    public SmtpListener(SmtpSettings settings, MessageStore store, ScenarioHolder scenarios, Clock clock) {
        this.settings = settings;
        this.context = new ServerContext(settings, store, clock, new RuleEngine(scenarios, clock));
        this.smtp = build(settings.port(), null);
        this.smtps = settings.implicitTlsPort() >= 0 ? build(settings.implicitTlsPort(), settings.tls()) : null;
        scenarios.onChange(scenario -> {
            for (SwitchablePort port : ports) {
                try {
                    port.switchTo(scenario.connectionMode());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot switch the SMTP port to " + scenario.connectionMode().key()
                            + ": " + e.getMessage(), e);
                }
            }
        });
        for (SwitchablePort port : ports) {
            try {
                port.switchTo(scenarios.get().connectionMode());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private SMTPServer build(int port, javax.net.ssl.SSLContext implicitTls) {
        SwitchablePort switchable;
        try {
            switchable = new SwitchablePort(context, implicitTls);
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
                    settings.tls()));
        }
        if (settings.auth().enabled()) {
            builder.authenticationHandlerFactory(new LabAuthentication(settings.auth(), settings.hostName()));
        }
        SMTPServer server = builder.build();
        recordEveryCommand(server.getCommandHandler(), context);
        return server;
    }

    private static void recordEveryCommand(CommandHandler commands, ServerContext context) {
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

    public void addListener(ServerEventListener listener) {
        context.addListener(listener);
    }

    /** Binds and starts accepting; a port in use gives a message that names it. */
    public synchronized void start() {
        start(smtp);
        if (smtps != null) {
            try {
                start(smtps);
            } catch (RuntimeException e) {
                smtp.stop();
                throw e;
            }
        }
        started = true;
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
        smtp.stop();
        if (smtps != null) {
            smtps.stop();
        }
    }

    /** See {@link ServerContext#importMessage}. */
    public dev.smtplab.server.record.RecordedMessage importMessage(byte[] data, String mailFrom,
                                                                    java.util.List<String> recipients, String source) {
        return context.importMessage(data, mailFrom, recipients, source);
    }
}
