package dev.smtplab.server.web;

import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.scenario.SmtpStage;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters for /metrics in the Prometheus text format. Lock-free: they are bumped on SMTP threads. */
final class Metrics implements ServerEventListener {
    private final MessageStore store;
    private final LongAdder sessions = new LongAdder();
    private final LongAdder messages = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final Map<Integer, LongAdder> rejectionsByCode = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> firedByRule = new ConcurrentHashMap<>();
    private final Map<SessionOutcome, LongAdder> sessionsByOutcome = new ConcurrentHashMap<>();

    Metrics(MessageStore store) {
        this.store = store;
    }

    @Override
    public void messageReceived(RecordedMessage message) {
        messages.increment();
        bytes.add(message.size());
    }

    @Override
    public void sessionEnded(RecordedSession session) {
        sessions.increment();
        sessionsByOutcome.computeIfAbsent(session.outcome(), key -> new LongAdder()).increment();
    }

    @Override
    public void ruleFired(String sessionId, String ruleId, SmtpStage stage) {
        firedByRule.computeIfAbsent(ruleId, key -> new LongAdder()).increment();
    }

    @Override
    public void replySent(String sessionId, int code) {
        if (code >= 400) {
            rejectionsByCode.computeIfAbsent(code, key -> new LongAdder()).increment();
        }
    }

    String text() {
        StringBuilder out = new StringBuilder();
        counter(out, "smtplab_sessions_total", "SMTP sessions ended.", sessions.sum());
        out.append("# HELP smtplab_sessions_by_outcome_total SMTP sessions ended, by outcome.\n")
                .append("# TYPE smtplab_sessions_by_outcome_total counter\n");
        new TreeMap<>(sessionsByOutcome).forEach((outcome, count) -> out.append("smtplab_sessions_by_outcome_total{outcome=\"")
                .append(outcome.name().toLowerCase()).append("\"} ").append(count.sum()).append('\n'));
        counter(out, "smtplab_messages_total", "Messages received and stored.", messages.sum());
        counter(out, "smtplab_message_bytes_total", "Bytes of the messages received.", bytes.sum());
        out.append("# HELP smtplab_messages_stored Messages held in the store now.\n# TYPE smtplab_messages_stored gauge\n")
                .append("smtplab_messages_stored ").append(store.messages().size()).append('\n');
        out.append("# HELP smtplab_rejections_total Replies of 4xx and 5xx sent, by code.\n")
                .append("# TYPE smtplab_rejections_total counter\n");
        new TreeMap<>(rejectionsByCode).forEach((code, count) -> out.append("smtplab_rejections_total{code=\"")
                .append(code).append("\"} ").append(count.sum()).append('\n'));
        out.append("# HELP smtplab_rule_fired_total Failure rules fired, by rule id.\n")
                .append("# TYPE smtplab_rule_fired_total counter\n");
        new TreeMap<>(firedByRule).forEach((rule, count) -> out.append("smtplab_rule_fired_total{rule=\"")
                .append(rule.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"} ").append(count.sum()).append('\n'));
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }
}
