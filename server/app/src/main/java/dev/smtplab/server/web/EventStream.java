package dev.smtplab.server.web;

import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.scenario.SmtpStage;
import io.javalin.http.sse.SseClient;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Server-Sent Events: message received, session rejected or dropped, rule fired. */
final class EventStream implements ServerEventListener {
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();

    void join(SseClient client) {
        clients.add(client);
        client.onClose(() -> clients.remove(client));
        client.sendComment("connected");
        client.keepAlive();
    }

    @Override
    public void messageReceived(RecordedMessage message) {
        broadcast("message", Dtos.MessageSummary.of(message));
    }

    @Override
    public void sessionEnded(RecordedSession session) {
        if (session.outcome() == SessionOutcome.REJECTED || session.outcome() == SessionOutcome.DROPPED
                || session.outcome() == SessionOutcome.TIMED_OUT) {
            broadcast("session-rejected", Dtos.SessionSummary.of(session));
        } else {
            broadcast("session", Dtos.SessionSummary.of(session));
        }
    }

    @Override
    public void ruleFired(String sessionId, String ruleId, SmtpStage stage) {
        broadcast("rule-fired", Map.of("sessionId", sessionId, "rule", ruleId, "stage", stage.key()));
    }

    private void broadcast(String event, Object data) {
        for (SseClient client : clients) {
            if (client.terminated()) {
                clients.remove(client);
            } else {
                client.sendEvent(event, data);
            }
        }
    }
}
