package dev.smtplab.server.record;

import dev.smtplab.server.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryMessageStoreTest {
    private static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void keeps_the_newest_messages_up_to_its_limit() {
        InMemoryMessageStore store = new InMemoryMessageStore(10, 10);
        for (int i = 1; i <= 15; i++) {
            store.addMessage(message(i));
        }
        assertThat(store.messages()).extracting(RecordedMessage::id)
                .containsExactly("6", "7", "8", "9", "10", "11", "12", "13", "14", "15");
        assertThat(store.message("1")).isEmpty();
        assertThat(store.message("15")).isPresent();
    }

    @Test
    void keeps_the_newest_messages_within_its_byte_bound_and_always_the_newest() {
        InMemoryMessageStore store = new InMemoryMessageStore(100, 10, 1_000);
        for (int i = 1; i <= 5; i++) {
            store.addMessage(message(i, 300));
        }
        assertThat(store.messages()).extracting(RecordedMessage::id).containsExactly("3", "4", "5");
        assertThat(store.bytes()).isEqualTo(900);
        store.addMessage(message(6, 5_000));
        assertThat(store.messages()).as("one message over the bound is still kept").extracting(RecordedMessage::id)
                .containsExactly("6");
        assertThat(store.deleteMessage("6")).isTrue();
        assertThat(store.bytes()).isZero();
        store.addMessage(message(7, 300));
        store.clear();
        assertThat(store.bytes()).isZero();
    }

    @Test
    void keeps_the_newest_sessions_and_replaces_snapshots_in_place() {
        InMemoryMessageStore store = new InMemoryMessageStore(10, 2);
        store.putSession(session("1", SessionOutcome.ACTIVE));
        store.putSession(session("2", SessionOutcome.ACTIVE));
        store.putSession(session("1", SessionOutcome.COMPLETED));
        assertThat(store.sessions()).extracting(RecordedSession::id, RecordedSession::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1", SessionOutcome.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("2", SessionOutcome.ACTIVE));
        store.putSession(session("3", SessionOutcome.ACTIVE));
        assertThat(store.sessions()).extracting(RecordedSession::id).containsExactly("2", "3");
    }

    @Test
    void await_returns_as_soon_as_enough_messages_arrived() throws Exception {
        InMemoryMessageStore store = new InMemoryMessageStore();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<List<RecordedMessage>> waiting = executor.submit(() -> store.awaitMessages(2, Duration.ofSeconds(10)));
            store.addMessage(message(1));
            store.addMessage(message(2));
            assertThat(waiting.get(5, TimeUnit.SECONDS)).extracting(RecordedMessage::id).containsExactly("1", "2");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void await_timeout_says_what_was_expected_and_what_arrived() {
        InMemoryMessageStore store = new InMemoryMessageStore();
        store.addMessage(message(1));
        assertThatThrownBy(() -> store.awaitMessages(2, SHORT))
                .isInstanceOf(MessageWaitTimeoutException.class)
                .hasMessageStartingWith("expected 2 message(s) within 200 ms but 1 arrived: [RecordedMessage[id=1");
    }

    @Test
    void await_for_more_than_the_store_can_hold_fails_at_once() {
        InMemoryMessageStore store = new InMemoryMessageStore(10, 10);
        assertThatThrownBy(() -> store.awaitMessages(11, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot wait for 11 messages: this store keeps at most 10");
    }

    @Test
    void take_returns_each_message_once_in_arrival_order() throws Exception {
        InMemoryMessageStore store = new InMemoryMessageStore();
        store.addMessage(message(1));
        store.addMessage(message(2));
        assertThat(store.takeMessage(SHORT).id()).isEqualTo("1");
        assertThat(store.takeMessage(SHORT).id()).isEqualTo("2");
        assertThatThrownBy(() -> store.takeMessage(SHORT))
                .isInstanceOf(MessageWaitTimeoutException.class)
                .hasMessage("no message arrived within 200 ms (2 stored, all taken already).");
        store.addMessage(message(3));
        assertThat(store.takeMessage(SHORT).id()).isEqualTo("3");
    }

    @Test
    void delete_and_clear_forget_messages() {
        InMemoryMessageStore store = new InMemoryMessageStore();
        store.addMessage(message(1));
        store.addMessage(message(2));
        assertThat(store.deleteMessage("1")).isTrue();
        assertThat(store.deleteMessage("1")).isFalse();
        assertThat(store.messages()).extracting(RecordedMessage::id).containsExactly("2");
        store.putSession(session("1", SessionOutcome.ACTIVE));
        store.clear();
        assertThat(store.messages()).isEmpty();
        assertThat(store.sessions()).isEmpty();
    }

    @Test
    void concurrent_adds_lose_nothing_and_respect_the_limit() throws Exception {
        InMemoryMessageStore store = new InMemoryMessageStore(1_000, 10);
        int threads = 8;
        int perThread = 500;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * perThread + 1;
            done.add(executor.submit(() -> {
                start.await();
                for (int i = first; i < first + perThread; i++) {
                    store.addMessage(message(i));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
        executor.shutdown();
        assertThat(store.messages()).hasSize(1_000);
        assertThat(store.messages()).extracting(RecordedMessage::id).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(store.message(id)).isPresent());
    }

    @Test
    void limits_below_one_are_refused() {
        assertThatThrownBy(() -> new InMemoryMessageStore(0, 1)).hasMessage("maxMessages must be at least 1, got 0");
        assertThatThrownBy(() -> new InMemoryMessageStore(1, 0)).hasMessage("maxSessions must be at least 1, got 0");
        assertThatThrownBy(() -> new InMemoryMessageStore(1, 1, 0)).hasMessage("maxBytes must be at least 1, got 0");
    }

    @Test
    void pages_counts_deletes_and_waits_are_answered_by_the_store_in_cursor_order() {
        InMemoryMessageStore store = new InMemoryMessageStore();
        // Stored in another order than their ids, as two sessions ending together can be.
        for (int id : new int[] {2, 1, 4, 3, 5}) {
            store.addMessage(message(id));
        }
        assertThat(store.cursorOf("2")).hasValue(1);
        assertThat(store.cursorOf("1")).hasValue(2);
        assertThat(store.cursorOf("9")).isEmpty();

        MessagePage first = store.page(MessageQuery.all(), Long.MAX_VALUE, 2);
        assertThat(first.messages()).extracting(m -> m.message().id()).containsExactly("5", "3");
        assertThat(first.total()).isEqualTo(5);
        assertThat(first.nextBefore()).hasValue(4);
        MessagePage second = store.page(MessageQuery.all(), first.nextBefore().getAsLong(), 2);
        assertThat(second.messages()).extracting(m -> m.message().id()).containsExactly("4", "1");
        MessagePage last = store.page(MessageQuery.all(), second.nextBefore().getAsLong(), 2);
        assertThat(last.messages()).extracting(m -> m.message().id()).containsExactly("2");
        assertThat(last.nextBefore()).isEmpty();

        assertThat(store.firstAfter(2, MessageQuery.all())).hasValueSatisfying(m -> assertThat(m.message().id())
                .isEqualTo("4"));
        assertThat(store.firstAfter(5, MessageQuery.all())).isEmpty();
        assertThat(store.count(MessageQuery.all().withSubject("3"))).isEqualTo(1);
        assertThat(store.delete(MessageQuery.all().withText("subject: 4"))).isEqualTo(1);
        assertThat(store.count(MessageQuery.all())).isEqualTo(4);
        assertThat(store.bytes()).isEqualTo(store.messages().stream().mapToLong(RecordedMessage::size).sum());
        assertThatThrownBy(() -> store.page(MessageQuery.all(), Long.MAX_VALUE, 0))
                .hasMessage("a page holds at least 1 message, not 0");
    }

    @Test
    void queries_match_case_insensitive_parts_and_times() {
        RecordedMessage message = message(7);
        assertThat(MessageQuery.all().withTo("B@EXAMPLE").test(message)).isTrue();
        assertThat(MessageQuery.all().withFrom("nobody").test(message)).isFalse();
        assertThat(MessageQuery.all().between(Instant.EPOCH, Instant.EPOCH.plusSeconds(1)).test(message)).isTrue();
        assertThat(MessageQuery.all().between(Instant.EPOCH.plusSeconds(1), Instant.EPOCH.plusSeconds(2)).test(message))
                .isFalse();
        assertThatThrownBy(() -> MessageQuery.all().between(Instant.EPOCH, Instant.EPOCH))
                .hasMessage("since (1970-01-01T00:00:00Z) must be before until (1970-01-01T00:00:00Z)");
    }

    static RecordedMessage receivedAt(int id, Instant at) {
        return new RecordedMessage(Integer.toString(id), "1", 1, id, at, "127.0.0.1", 40000, "client.test",
                "a@example.test", Map.of(), List.of(new Recipient("b@example.test", Map.of(), 250, "250 Ok")),
                ("Subject: " + id + "\r\n\r\nbody\r\n").getBytes());
    }

    @Test
    void messages_older_than_the_maximum_age_go_when_anyone_looks() {
        Instant start = Instant.parse("2026-12-01T00:00:00Z");
        MutableClock clock = new MutableClock();
        clock.set(start);
        InMemoryMessageStore store = new InMemoryMessageStore(100, 100, 1 << 20, Duration.ofDays(7), clock);
        store.addMessage(receivedAt(1, start));
        clock.advance(Duration.ofDays(3));
        store.addMessage(receivedAt(2, clock.instant()));
        clock.advance(Duration.ofDays(5));
        assertThat(store.messages()).extracting(RecordedMessage::id).as("8 days on, the first is 8 days old")
                .containsExactly("2");
        assertThat(store.bytes()).isEqualTo(store.messages().get(0).size());
        clock.advance(Duration.ofDays(5));
        assertThat(store.count(MessageQuery.all())).isZero();
        assertThatThrownBy(() -> new InMemoryMessageStore(1, 1, 1, Duration.ZERO, clock))
                .hasMessage("maxAge must be longer than 0, got PT0S");
    }

    @Test
    void marks_messages_read_and_unread_and_filters_and_counts_by_them() {
        InMemoryMessageStore store = new InMemoryMessageStore();
        java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
        ReadMarksContract.check(store, (subject, inbox) -> {
            int id = ids.incrementAndGet();
            return new RecordedMessage(Integer.toString(id), "1", 1, id, Instant.EPOCH, "127.0.0.1", 40000,
                    "client.test", "a@example.test", Map.of(),
                    List.of(new Recipient("b@example.test", Map.of(), 250, "250 Ok")),
                    ("Subject: " + subject + "\r\n\r\nbody\r\n").getBytes(), null, null, null, List.of(), inbox);
        }, store::addMessage);
    }

    @Test
    void an_evicted_message_takes_its_read_mark_along() {
        InMemoryMessageStore store = new InMemoryMessageStore(1, 10);
        store.addMessage(message(1));
        store.markRead("1", true);
        store.addMessage(message(2));
        assertThat(store.isRead("1")).isFalse();
        assertThat(store.markRead("1", true)).isFalse();
        assertThat(store.count(MessageQuery.all().withRead(true))).isZero();
    }

    static RecordedMessage message(int id) {
        return new RecordedMessage(Integer.toString(id), "1", 1, id, Instant.EPOCH, "127.0.0.1", 40000, "client.test",
                "a@example.test", Map.of(), List.of(new Recipient("b@example.test", Map.of(), 250, "250 Ok")),
                ("Subject: " + id + "\r\n\r\nbody\r\n").getBytes());
    }

    static RecordedMessage message(int id, int size) {
        return new RecordedMessage(Integer.toString(id), "1", 1, id, Instant.EPOCH, "127.0.0.1", 40000, "client.test",
                "a@example.test", Map.of(), List.of(new Recipient("b@example.test", Map.of(), 250, "250 Ok")),
                new byte[size]);
    }

    static RecordedSession session(String id, SessionOutcome outcome) {
        return new RecordedSession(id, Long.parseLong(id), "127.0.0.1", 40000, Instant.EPOCH,
                outcome == SessionOutcome.ACTIVE ? null : Instant.EPOCH, null, outcome, "", List.of(), 0, List.of());
    }
}
