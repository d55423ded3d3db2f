package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.ConnectionMode;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.SmtpStage;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Before the greeting: silent mode, connection limits, and the rules at the connect stage. */
final class ConnectHook implements SessionHandler {
    private static final SessionAcceptance TOO_MANY = SessionAcceptance.failure(421,
            "4.7.0 Too many connections from your address, try again later");

    private final ServerContext server;

    ConnectHook(ServerContext server) {
        this.server = server;
    }

    @Override
    public SessionAcceptance accept(Session session) {
        Tapped socket = Tapped.of(session);
        ConnectionRecorder recorder = socket.recorder();
        Scenario scenario = server.rules.scenario(recorder.listenerInbox());
        try {
            if (session.getSocket() instanceof TlsTappedSocket implicitTls) {
                try {
                    implicitTls.startHandshake();
                } catch (IOException e) {
                    session.quit();
                    return SessionAcceptance.success();
                }
            }
            if (scenario.connectionMode() == ConnectionMode.SILENT) {
                recorder.endedBy("silent mode: the server accepted the connection and never greeted");
                FaultActions.silence(session);
                return SessionAcceptance.success();
            }
            String client = recorder.clientAddress();
            int perMinute = server.connectionsInLastMinute(client);
            if (scenario.maxConnectionsPerMinute() > 0 && perMinute > scenario.maxConnectionsPerMinute()) {
                recorder.event("rate limit: connection " + perMinute + " from " + client + " this minute, "
                        + scenario.maxConnectionsPerMinute() + " allowed");
                return TOO_MANY;
            }
            int open = recorder.openAtConnect().fromClient();
            if (scenario.maxConnectionsPerClient() > 0 && open > scenario.maxConnectionsPerClient()) {
                recorder.event("rate limit: " + open + " open connections from " + client + ", "
                        + scenario.maxConnectionsPerClient() + " allowed");
                return TOO_MANY;
            }
            // The server's own limits: per client as Postfix's smtpd words it, then in all.
            SmtpSettings settings = server.settings;
            if (open > settings.limits().maxConnectionsPerClient()) {
                recorder.endedBy(open + " open connections from " + client + ", " + settings.limits().maxConnectionsPerClient()
                        + " allowed (--max-connections-per-client)");
                return SessionAcceptance.failure(421, "4.7.0 " + settings.hostName()
                        + " Error: too many connections from " + client);
            }
            int total = recorder.openAtConnect().total();
            if (total > settings.limits().maxConnections()) {
                recorder.endedBy(total + " open connections, " + settings.limits().maxConnections() + " allowed (--max-connections)");
                return SessionAcceptance.failure(421, "4.7.0 " + settings.hostName()
                        + " Error: too many connections, try again later");
            }
            Optional<RuleEngine.Fired> fired = server.rules.evaluate(
                    StageContexts.connect(session, recorder, server.hostName), recorder, socket.outbound());
            if (fired.isEmpty()) {
                return SessionAcceptance.success();
            }
            return apply(fired.get(), session, recorder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.quit();
            return SessionAcceptance.failure(421, "4.3.2 Server shutting down");
        }
    }

    private static SessionAcceptance apply(RuleEngine.Fired fired, Session session, ConnectionRecorder recorder)
            throws IOException {
        EffectApplier.Next next = EffectApplier.apply(fired, SmtpStage.CONNECT, null, null, session, recorder);
        if (next instanceof EffectApplier.Answer answer) {
            // SubEthaSMTP sends a refused greeting's last line and closes the connection itself.
            return SessionAcceptance.failure(answer.reply().code(), FaultActions.sendAllButLast(session, answer.reply()));
        }
        // Proceed, or closed already: SubEthaSMTP's attempt to greet a closed session fails quietly.
        return SessionAcceptance.success();
    }

    @Override
    public void onSessionEnd(Session session) {
    }
}
