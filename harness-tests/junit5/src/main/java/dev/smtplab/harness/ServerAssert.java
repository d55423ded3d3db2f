package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.WhatHappened;
import org.assertj.core.api.AbstractAssert;

import java.time.Duration;
import java.util.List;

/** Assertions on what a server received over time, such as "exactly one mail, even after a retry". */
public final class ServerAssert extends AbstractAssert<ServerAssert, FakeSmtpServer> {

    ServerAssert(FakeSmtpServer actual) {
        super(actual, ServerAssert.class);
    }

    /** The server holds exactly this many messages now. */
    public ServerAssert hasMessageCount(int count) {
        isNotNull();
        List<RecordedMessage> messages = actual.messages();
        if (messages.size() != count) {
            failWithActualExpectedAndMessage(messages.size(), count, "expected %d message(s) but the server holds %d%s",
                    count, messages.size(), listed(messages));
        }
        return this;
    }

    /**
     * Exactly this many messages arrive by the end of the window, counting those already stored, and
     * no more: the way to show that a retry after a 4xx delivered once, not twice. It waits the whole
     * window (a duplicate may come late) but fails as soon as one too many has arrived.
     */
    public ServerAssert receivesExactly(int count, Duration window) throws InterruptedException {
        isNotNull();
        long ends = System.nanoTime() + window.toNanos();
        List<RecordedMessage> messages = actual.messages();
        while (messages.size() <= count && System.nanoTime() < ends) {
            long leftMillis = Math.max(1, (ends - System.nanoTime()) / 1_000_000);
            try {
                actual.awaitMessages(messages.size() + 1, Duration.ofMillis(leftMillis));
            } catch (RuntimeException noneMore) {
                // The window passed without another message.
            }
            messages = actual.messages();
        }
        if (messages.size() != count) {
            failWithActualExpectedAndMessage(messages.size(), count,
                    "expected exactly %d message(s) within %s but %d arrived%s%s", count, spoken(window), messages.size(),
                    listed(messages), messages.size() > count ? ""
                            : System.lineSeparator() + WhatHappened.inSessions(actual.sessions(), messages.size()));
        }
        return this;
    }

    private static String spoken(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private String listed(List<RecordedMessage> messages) {
        StringBuilder text = new StringBuilder();
        for (RecordedMessage message : messages) {
            text.append(System.lineSeparator()).append("  ").append(message.receivedAt()).append(" session ")
                    .append(message.sessionId()).append(": ").append(message);
        }
        return text.toString();
    }
}
