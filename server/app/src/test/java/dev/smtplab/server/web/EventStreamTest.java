package dev.smtplab.server.web;

import dev.smtplab.server.scenario.SmtpStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Live updates are written by each browser's own thread: SMTP threads only queue them. */
class EventStreamTest {
    /** A deadlock guard, not a speed target: without outboxes the first test never returns. */
    private static final Duration NEVER_BLOCKS = Duration.ofSeconds(20);

    private final EventStream stream = new EventStream(new dev.smtplab.server.record.InMemoryMessageStore(),
            new InboxScope(new dev.smtplab.server.inbox.Inboxes(
                    new dev.smtplab.server.scenario.ScenarioHolder(dev.smtplab.server.scenario.Scenario.none())),
                    WebAccess.local()));
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        stream.closeAll();
    }

    /** A browser that never reads: its first write blocks forever, as on a full TCP window. */
    private final class StuckBrowser implements EventStream.Sink {
        final CountDownLatch writing = new CountDownLatch(1);
        volatile boolean closed;

        @Override
        public void send(String event, Object data) {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static final class Browser implements EventStream.Sink {
        final List<String> received = new CopyOnWriteArrayList<>();
        final CountDownLatch expected;
        volatile boolean closed;
        /** Whether the greeting came, and came before any event. */
        volatile boolean greetedFirst;

        Browser(int events) {
            expected = new CountDownLatch(events);
        }

        @Override
        public void send(String event, Object data) {
            received.add(event);
            expected.countDown();
        }

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public void greet() {
            greetedFirst = received.isEmpty();
        }
    }

    @Test
    void a_stuck_browser_never_blocks_the_smtp_side_and_is_disconnected_once_its_outbox_is_full() throws Exception {
        StuckBrowser stuck = new StuckBrowser();
        int events = EventStream.OUTBOX_LIMIT * 5;
        Browser healthy = new Browser(events);
        stream.subscribe(stuck);
        stream.subscribe(healthy);
        stream.ruleFired("1", "warm-up", SmtpStage.RCPT);
        assertThat(stuck.writing.await(10, TimeUnit.SECONDS)).isTrue();

        // In batches the healthy browser keeps up with, while the stuck one falls ever further behind.
        assertTimeoutPreemptively(NEVER_BLOCKS, () -> {
            for (int i = 1; i < events; i++) {
                stream.ruleFired(Integer.toString(i), "greylist", SmtpStage.RCPT);
                if (i % (EventStream.OUTBOX_LIMIT / 2) == 0) {
                    int sent = i + 1;
                    assertThat(waitFor(() -> healthy.received.size() >= sent)).isTrue();
                }
            }
        });

        assertThat(stream.browsers()).as("the stuck browser was disconnected").isEqualTo(1);
        assertThat(healthy.expected.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(healthy.received).hasSize(events).containsOnly("rule-fired");
        release.countDown();
        assertThat(waitFor(() -> stuck.closed)).as("the stuck browser's stream was closed").isTrue();
    }

    @Test
    void a_browser_limited_to_an_inbox_hears_of_its_mail_only_and_of_nothing_server_wide() throws Exception {
        Browser limited = new Browser(1);
        Browser everything = new Browser(3);
        stream.subscribe(limited, java.util.Set.of("team-a"));
        stream.subscribe(everything);

        stream.messageReceived(inInbox("1", "default"));
        stream.ruleFired("1", "greylist", SmtpStage.RCPT);
        stream.messageReceived(inInbox("2", "team-a"));

        assertThat(everything.expected.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(limited.expected.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(everything.received).containsExactly("message", "rule-fired", "message");
        assertThat(limited.received).containsExactly("message");
    }

    private static dev.smtplab.server.record.RecordedMessage inInbox(String id, String inbox) {
        return new dev.smtplab.server.record.RecordedMessage(id, "1", 1, 1, java.time.Instant.EPOCH, "127.0.0.1", 1,
                null, "a@x.test", java.util.Map.of(), List.of(), new byte[0], null, null, null, List.of(), inbox);
    }

    @Test
    void the_greeting_is_written_by_the_browsers_own_writer_before_any_event() throws Exception {
        Browser browser = new Browser(1);
        stream.subscribe(browser);
        stream.ruleFired("1", "greylist", SmtpStage.RCPT);
        assertThat(browser.expected.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(browser.received).containsExactly("rule-fired");
        assertThat(browser.greetedFirst).isTrue();
    }

    /** CI once saw a browser greeted, then registered after the stop had closed the others. */
    @Test
    void a_browser_joining_once_the_streams_are_closed_is_closed_at_once_and_gets_no_writer() throws Exception {
        Browser before = new Browser(0);
        stream.subscribe(before);
        stream.closeAll();
        assertThat(before.closed).isTrue();

        Browser late = new Browser(0);
        stream.subscribe(late);
        assertThat(waitFor(() -> late.closed)).as("the late browser's stream was closed").isTrue();
        assertThat(stream.browsers()).isZero();
        assertThat(waitFor(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().equals("smtplab-sse-writer"))))
                .as("no writer is left behind").isTrue();

        stream.open();
        Browser afterRestart = new Browser(1);
        stream.subscribe(afterRestart);
        stream.ruleFired("1", "greylist", SmtpStage.RCPT);
        assertThat(afterRestart.expected.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void with_no_browser_nothing_is_queued() {
        stream.ruleFired("1", "greylist", SmtpStage.RCPT);
        assertThat(stream.browsers()).isZero();
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
