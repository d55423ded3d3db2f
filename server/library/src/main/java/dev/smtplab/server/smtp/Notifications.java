package dev.smtplab.server.smtp;

import dev.smtplab.server.bounce.DeliveryReport;
import dev.smtplab.server.bounce.DsnMessage;
import dev.smtplab.server.bounce.Notice;
import dev.smtplab.server.record.Recipient;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.SmtpReply;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Delivery status notifications about accepted messages (RFC 3461, RFC 3464): the failures and
 * delays rules asked for, and the successes a client asked for with NOTIFY=SUCCESS. They are
 * decided when the message is accepted, timed from when it is stored (after its 250), then written
 * and delivered on a thread of their own, never
 * a session's: into the store, from the null sender to the message's sender, linked to the message.
 * No notification is ever sent about a message from the null sender (no loops), and NOTIFY=NEVER
 * (or a NOTIFY without FAILURE, or DELAY) is honoured.
 */
final class Notifications {
    /** How long a delayed message would still be tried: Postfix's maximal_queue_lifetime. */
    private static final Duration RETRY_LIMIT = Duration.ofDays(5);
    private static final Set<String> DEFAULT_NOTIFY = Set.of("FAILURE", "DELAY");

    private final ServerContext server;
    private final java.util.concurrent.ScheduledThreadPoolExecutor scheduler = idleEnding("smtplab-notifications");

    Notifications(ServerContext server) {
        this.server = server;
    }

    /** One notification to send: an action, when, and about which recipients. */
    private record Pending(DeliveryReport.Action action, Duration after, List<DeliveryReport.Entry> entries) {
        /** The recipients it is about, for the transcript. */
        String recipients() {
            return String.join(", ", entries.stream().map(DeliveryReport.Entry::finalRecipient).toList());
        }
    }

    /**
     * The message was accepted: decides what to send about each recipient, says so in its session's
     * transcript, and schedules it.
     *
     * @param notices what rules asked for, by recipient in lower case; the null key for every recipient
     */
    void accepted(RecordedMessage message, Map<String, Notice> notices, ConnectionRecorder recorder) {
        Map<String, Pending> pending = new LinkedHashMap<>();
        for (Recipient recipient : message.recipients()) {
            if (recipient.replyCode() / 100 != 2) {
                continue;
            }
            Notice notice = notices.getOrDefault(recipient.address().toLowerCase(Locale.ROOT), notices.get(null));
            Set<String> notify = notify(recipient);
            DeliveryReport.Action action;
            SmtpReply reply;
            Duration after;
            if (notice != null) {
                String wanted = notice.action() == DeliveryReport.Action.FAILED ? "FAILURE" : "DELAY";
                if (!notify.contains(wanted)) {
                    recorder.event(notice.by() + " asked for a " + notice.action().field() + " notification about "
                            + recipient.address() + "; none is sent, as NOTIFY=" + String.join(",", notify) + " asks");
                    continue;
                }
                action = notice.action();
                reply = notice.reply().withAddress(recipient.address());
                after = notice.after();
            } else if (notify.contains("SUCCESS")) {
                action = DeliveryReport.Action.DELIVERED;
                reply = SmtpReply.of(250, "2.0.0", "<" + recipient.address() + ">: delivered to mailbox");
                after = Duration.ZERO;
            } else {
                continue;
            }
            if (message.mailFrom().isEmpty()) {
                recorder.event("no " + action.field() + " notification about " + recipient.address()
                        + ": the message is from the null sender <>, and notifications are never sent about one");
                continue;
            }
            String status = reply.enhancedCode() != null ? reply.enhancedCode() : (reply.code() / 100) + ".0.0";
            String orcpt = recipient.parameters().get("ORCPT");
            DeliveryReport.Entry entry = new DeliveryReport.Entry(recipient.address(),
                    orcpt == null || orcpt.isEmpty() ? null : xtextDecoded(orcpt), action, status,
                    action == DeliveryReport.Action.DELIVERED ? null : reply.oneLine(), null,
                    action == DeliveryReport.Action.DELAYED ? message.receivedAt().plus(RETRY_LIMIT) : null);
            Pending group = pending.computeIfAbsent(action + "|" + after.toMillis(),
                    key -> new Pending(action, after, new ArrayList<>()));
            group.entries().add(entry);
        }
        for (Pending notification : pending.values()) {
            recorder.event("a " + notification.action().field() + " notification (DSN) about "
                    + notification.recipients() + " goes to <" + message.mailFrom() + "> in "
                    + notification.after().toMillis() + " ms");
        }
        if (!pending.isEmpty()) {
            // The clock starts once the message itself is stored and announced: a report never comes first.
            recorder.afterStored(() -> pending.values().forEach(notification -> scheduler.schedule(
                    () -> send(message, notification), notification.after().toMillis(), TimeUnit.MILLISECONDS)));
        }
    }

    private void send(RecordedMessage message, Pending notification) {
        try {
            Instant now = server.clock.instant();
            List<DeliveryReport.Entry> attempted = notification.entries().stream()
                    .map(entry -> new DeliveryReport.Entry(entry.finalRecipient(), entry.originalRecipient(),
                            entry.action(), entry.status(), entry.diagnostic(), now, entry.willRetryUntil()))
                    .toList();
            String envid = message.mailParameters().get("ENVID");
            String ret = message.mailParameters().getOrDefault("RET", "");
            DeliveryReport report = new DeliveryReport(server.hostName, envid == null || envid.isEmpty() ? null
                    : xtextDecoded(envid), ret.equalsIgnoreCase("HDRS"), message.receivedAt(), message.mailFrom(),
                    message.data(), attempted);
            byte[] dsn = DsnMessage.write(report, now, "m" + message.id() + "-" + notification.action().field(),
                    message.id());
            RecordedMessage stored = server.deliverNotification(dsn, message.mailFrom(), message.id(),
                    notification.action().field());
            Relay relay = this.relay;
            if (relay != null) {
                relayer.execute(() -> relay(relay, stored, 1, relay.firstRetry()));
            }
        } catch (RuntimeException e) {
            // A notification that cannot be made or kept is lost, never a session's trouble.
            System.err.println("smtplab: the " + notification.action().field() + " notification about message "
                    + message.id() + " could not be delivered: " + e);
        }
    }

    /** Where reports also go: the application's bounce handler, an SMTP server (--bounce-relay). */
    record Relay(String host, int port, Duration firstRetry, int attempts) {
    }

    private volatile Relay relay;
    /** Relaying has a thread of its own: a relay that is down must not hold up the reports still to write. */
    private final java.util.concurrent.ScheduledThreadPoolExecutor relayer = idleEnding("smtplab-bounce-relay");

    void relayTo(Relay relay) {
        this.relay = relay;
    }

    /** One attempt; a temporary failure (4xx, no connection) is tried again later, a permanent one (5xx) is not. */
    private void relay(Relay relay, RecordedMessage report, int attempt, Duration wait) {
        String where = relay.host() + ":" + relay.port();
        try {
            dev.smtplab.server.bounce.RelayClient.send(relay.host(), relay.port(), server.hostName,
                    report.acceptedRecipients().get(0), report.data(), Duration.ofSeconds(10));
            server.relayed(report, where, "delivered", attempt, null);
        } catch (java.io.IOException e) {
            boolean retry = !(e instanceof dev.smtplab.server.bounce.RelayClient.Refused refused && !refused.temporary())
                    && attempt < relay.attempts();
            server.relayed(report, where, retry ? "retrying" : "failed", attempt, e.getMessage());
            if (retry) {
                relayer.schedule(() -> relay(relay, report, attempt + 1, wait.multipliedBy(2)), wait.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    private static java.util.concurrent.ScheduledThreadPoolExecutor idleEnding(String name) {
        java.util.concurrent.ScheduledThreadPoolExecutor executor = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                runnable -> {
                    Thread thread = new Thread(runnable, name);
                    thread.setDaemon(true);
                    return thread;
                });
        // No thread waits idle for a server that sends no notification, or no longer does.
        executor.setKeepAliveTime(5, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private static Set<String> notify(Recipient recipient) {
        String notify = recipient.parameters().get("NOTIFY");
        if (notify == null || notify.isEmpty()) {
            return DEFAULT_NOTIFY;
        }
        return Set.of(notify.toUpperCase(Locale.ROOT).split(","));
    }

    private static String xtextDecoded(String xtext) {
        return dev.smtplab.server.bounce.Xtext.decode(xtext);
    }

    /** Notifications not yet sent are dropped: a stopped server sends nothing. The thread ends when idle. */
    void stop() {
        for (java.util.concurrent.ScheduledThreadPoolExecutor executor : List.of(scheduler, relayer)) {
            executor.getQueue().forEach(task -> ((java.util.concurrent.Future<?>) task).cancel(false));
            executor.purge();
        }
    }
}
