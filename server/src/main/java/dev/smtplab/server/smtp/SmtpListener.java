package dev.smtplab.server.smtp;

import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.scenario.ScenarioHolder;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The SMTP side of the server: a SubEthaSMTP server whose sockets, commands and message handler
 * record everything into a {@link MessageStore}. Everything SubEthaSMTP-specific stays in this package.
 */
public final class SmtpListener {
    private final SMTPServer smtp;
    private final ServerContext context;
    private final InetAddress bindAddress;
    private final SwitchablePort switchablePort;
    private boolean started;

    public SmtpListener(InetAddress bindAddress, int port, String hostName, int maxMessageSize,
                        int idleTimeoutSeconds, MessageStore store, ScenarioHolder scenarios, Clock clock) {
        this.bindAddress = bindAddress;
        this.context = new ServerContext(store, clock, maxMessageSize, hostName, new RuleEngine(scenarios, clock));
        try {
            this.switchablePort = new SwitchablePort(context);
            this.switchablePort.switchTo(scenarios.get().connectionMode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        scenarios.onChange(scenario -> {
            try {
                switchablePort.switchTo(scenario.connectionMode());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot switch the SMTP port to " + scenario.connectionMode().key()
                        + ": " + e.getMessage(), e);
            }
        });
        this.smtp = SMTPServer.port(port)
                .bindAddress(bindAddress)
                // Set explicitly: SubEthaSMTP's default asks DNS for the local host name.
                .hostName(hostName)
                .softwareName("SMTP Lab")
                .serverSocketFactory(() -> switchablePort)
                .messageHandlerFactory(session -> new RecordingMessageHandler((Session) session, context))
                .sessionHandler(new ConnectHook(context))
                .insertReceivedHeaders(false)
                .maxMessageSize(maxMessageSize)
                .connectionTimeout(idleTimeoutSeconds, TimeUnit.SECONDS)
                .build();
        recordEveryCommand(smtp.getCommandHandler(), context);
    }

    private static void recordEveryCommand(CommandHandler commands, ServerContext context) {
        for (String verb : Set.copyOf(commands.getVerbs())) {
            commands.addCommand(new RecordingCommand(commands.getCommand(verb), context));
        }
        commands.addCommand(new RecordingCommand(new HelpTopicsCommand(commands, context.hostName), context));
        commands.addCommand(new RejectedLineCommand());
    }

    /** Binds and starts accepting; a port in use gives a message that names it. */
    public synchronized void start() {
        try {
            smtp.start();
            started = true;
        } catch (RuntimeException e) {
            if (e.getCause() instanceof BindException bind) {
                throw new IllegalStateException("cannot listen on " + bindAddress.getHostAddress() + ":"
                        + smtp.getPort() + ": " + bindMessage(bind), e);
            }
            throw e;
        }
    }

    private static String bindMessage(BindException e) {
        String message = String.valueOf(e.getMessage());
        return message.toLowerCase().contains("in use") ? "the port is already in use" : message;
    }

    /** Tells the listener of messages, ended sessions, fired rules and replies as they happen. */
    public void addListener(ServerEventListener listener) {
        context.addListener(listener);
    }

    /** The port clients connect to: the real one when the server was asked for port 0. */
    public int port() {
        return smtp.getPort() == 0 ? smtp.getPortAllocated() : smtp.getPort();
    }

    /** Stops accepting, closes open sessions (recorded as ended by the shutdown) and waits for them. */
    public synchronized void stop() {
        if (!started) {
            return;
        }
        started = false;
        context.openConnectionsStopping();
        smtp.stop();
    }
}
