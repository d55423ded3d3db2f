package dev.smtplab.server.store;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.PostgresCluster;
import dev.smtplab.server.RawSmtp;
import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.StoreUnavailableException;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.ScenarioHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared store against a real PostgreSQL, started by the test on a loopback port. */
class PostgresMessageStoreTest {
    private static PostgresCluster postgres;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresCluster.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyDatabase() throws Exception {
        postgres.emptyDatabase();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private PostgresMessageStore open(int maxMessages) {
        PostgresMessageStore store = PostgresMessageStore.open(postgres.url(), maxMessages, 100, 1L << 30, null,
                Clock.systemUTC());
        opened.add(store);
        return store;
    }

    private static RecordedMessage message(PostgresMessageStore store, String subject, String to, String inbox) {
        return new RecordedMessage(Long.toString(store.newMessageNumber()), "1", 1, 1, Instant.now(), "127.0.0.1",
                40000, "client.test", "shop@example.test", java.util.Map.of(),
                List.of(new dev.smtplab.server.record.Recipient(to, java.util.Map.of(), 250, "250 2.1.5 Ok")),
                ("Subject: " + subject + "\r\n\r\nPlease confirm your token\r\n").getBytes(StandardCharsets.UTF_8),
                null, null, null, List.of(), inbox);
    }

    private static void store(PostgresMessageStore store, RecordedMessage message) {
        store.keep(message);
        store.addMessage(message);
    }

    @Test
    void two_instances_share_messages_with_ids_that_never_collide() {
        PostgresMessageStore first = open(1000);
        PostgresMessageStore second = open(1000);
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(ids.add(first.newMessageNumber())).isTrue();
            assertThat(ids.add(second.newMessageNumber())).isTrue();
        }
        RecordedMessage one = message(first, "one", "bob@example.test", "default");
        RecordedMessage two = message(second, "two", "carol@example.test", "team-a");
        store(first, one);
        store(second, two);

        assertThat(second.message(one.id()).orElseThrow().data()).isEqualTo(one.data());
        assertThat(first.messages()).extracting(RecordedMessage::id).containsExactly(one.id(), two.id());
        assertThat(first.cursorOf(one.id()).orElseThrow()).isLessThan(first.cursorOf(two.id()).orElseThrow());
        assertThat(first.message(two.id()).orElseThrow().inbox()).isEqualTo("team-a");
    }

    @Test
    void pages_counts_searches_and_deletes_happen_in_the_database() {
        PostgresMessageStore store = open(1000);
        for (int i = 1; i <= 7; i++) {
            store(store, message(store, "order " + i, i % 2 == 0 ? "bob@example.test" : "carol@example.test",
                    i <= 2 ? "team-a" : "default"));
        }

        var page = store.page(MessageQuery.all(), Long.MAX_VALUE, 3);
        assertThat(page.messages()).extracting(stored -> stored.message().subject().orElseThrow())
                .containsExactly("order 7", "order 6", "order 5");
        assertThat(page.total()).isEqualTo(7);
        var next = store.page(MessageQuery.all(), page.nextBefore().orElseThrow(), 3);
        assertThat(next.messages()).extracting(stored -> stored.message().subject().orElseThrow())
                .containsExactly("order 4", "order 3", "order 2");
        assertThat(store.count(MessageQuery.all().withTo("BOB@"))).isEqualTo(3);
        assertThat(store.count(MessageQuery.all().withText("conf tok"))).as("word prefixes").isEqualTo(7);
        assertThat(store.count(MessageQuery.all().withText("order 3"))).isEqualTo(1);
        assertThat(store.count(MessageQuery.all().withText("nothing"))).isZero();
        assertThat(store.count(MessageQuery.all().inInboxes(Set.of("team-a")))).isEqualTo(2);
        assertThat(store.delete(MessageQuery.all().withTo("carol"))).isEqualTo(4);
        assertThat(store.messages()).hasSize(3);
    }

    @Test
    void identical_content_is_stored_once_and_the_oldest_go_past_the_limit() throws Exception {
        PostgresMessageStore store = open(3);
        for (int i = 0; i < 5; i++) {
            store(store, message(store, "same", "bob@example.test", "default"));
        }
        try (var connection = DriverManager.getConnection(postgres.jdbcUrl("smtplab"), "smtplab", "");
             var statement = connection.createStatement();
             var row = statement.executeQuery("SELECT count(*), sum(refs) FROM content")) {
            row.next();
            assertThat(row.getInt(1)).isEqualTo(1);
            assertThat(row.getInt(2)).isEqualTo(5);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (store.count(MessageQuery.all()) > 3 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(store.count(MessageQuery.all())).as("housekeeping every 10 s").isEqualTo(3);
    }

    @Test
    void a_wait_on_one_instance_wakes_for_mail_another_stored_and_only_others_mail_is_told() throws Exception {
        PostgresMessageStore writer = open(1000);
        PostgresMessageStore reader = open(1000);
        List<String> heard = new CopyOnWriteArrayList<>();
        reader.onRemoteMessage(message -> heard.add(message.id()));
        waitUntilListening(reader);

        Thread later = new Thread(() -> {
            try {
                Thread.sleep(300);
                store(writer, message(writer, "from the other", "bob@example.test", "default"));
            } catch (InterruptedException ignored) {
                // the test ends
            }
        });
        later.start();
        long started = System.nanoTime();
        RecordedMessage taken = reader.takeMessage(Duration.ofSeconds(10));
        assertThat(taken.subject()).contains("from the other");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        later.join();

        store(reader, message(reader, "its own", "bob@example.test", "default"));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (heard.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertThat(heard).containsExactly(taken.id());
    }

    @Test
    void a_scenario_changed_on_one_instance_applies_on_the_other_within_a_second() throws Exception {
        PostgresMessageStore first = open(1000);
        PostgresMessageStore second = open(1000);
        ScenarioHolder firstScenario = new ScenarioHolder(Scenario.none());
        ScenarioHolder secondScenario = new ScenarioHolder(Scenario.none());
        first.shareScenario(firstScenario);
        second.shareScenario(secondScenario);
        waitUntilListening(first);
        waitUntilListening(second);

        firstScenario.set(Scenario.builder().preset("greylist:retry-after=5s").build());

        long started = System.nanoTime();
        while (secondScenario.get().presets().isEmpty() && System.nanoTime() - started < 5_000_000_000L) {
            Thread.sleep(10);
        }
        assertThat(secondScenario.get().presets()).containsExactly("greylist:retry-after=5s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        assertThat(firstScenario.get().presets()).as("no echo undoes it").containsExactly("greylist:retry-after=5s");
    }

    @Test
    void read_marks_are_kept_in_the_database_and_every_instance_sees_them() {
        PostgresMessageStore first = open(1000);
        PostgresMessageStore second = open(1000);
        dev.smtplab.server.record.ReadMarksContract.check(first,
                (subject, inbox) -> message(first, subject, "bob@example.test", inbox), message -> store(first, message));

        RecordedMessage shared = message(first, "shared", "bob@example.test", "default");
        store(first, shared);
        assertThat(second.markRead(shared.id(), true)).isTrue();
        assertThat(first.isRead(shared.id())).isTrue();
        assertThat(first.page(MessageQuery.all(), Long.MAX_VALUE, 1).messages().get(0).read()).isTrue();
    }

    @Test
    void a_database_from_before_read_marks_is_upgraded_and_its_mail_is_unread() throws Exception {
        PostgresMessageStore older = open(1000);
        RecordedMessage before = message(older, "before", "bob@example.test", "default");
        store(older, before);
        older.close();
        try (var connection = DriverManager.getConnection(postgres.jdbcUrl("smtplab"), "smtplab", "");
             var statement = connection.createStatement()) {
            statement.execute("DROP INDEX message_unread");
            statement.execute("ALTER TABLE message DROP COLUMN seen");
            statement.execute("DELETE FROM schema_version WHERE version > 1");
        }

        PostgresMessageStore upgraded = open(1000);
        assertThat(upgraded.isRead(before.id())).isFalse();
        assertThat(upgraded.markRead(before.id(), true)).isTrue();
        assertThat(upgraded.count(MessageQuery.all().withRead(true))).isEqualTo(1);
    }

    /** A release from the web UI adds a line to an ended session's transcript: the message's history. */
    @Test
    void a_line_added_to_an_ended_session_is_kept_and_every_instance_reads_it() {
        PostgresMessageStore first = open(1000);
        var quit = new dev.smtplab.server.record.TranscriptLine(Instant.EPOCH, dev.smtplab.server.record.Direction.CLIENT,
                "QUIT");
        var release = new dev.smtplab.server.record.TranscriptLine(Instant.EPOCH.plusSeconds(60),
                dev.smtplab.server.record.Direction.EVENT, "released to 127.0.0.1:2525 (starttls): 250 2.0.0 Ok");
        long number = first.newSessionNumber();
        var ended = new dev.smtplab.server.record.RecordedSession(Long.toString(number), number, "127.0.0.1", 40000,
                Instant.EPOCH, Instant.EPOCH, "client.test", dev.smtplab.server.record.SessionOutcome.COMPLETED, "",
                List.of(), 0, List.of());
        first.putSession(ended.withTranscript(List.of(quit)));
        first.putSession(ended.withTranscript(List.of(quit, release)));
        first.close();

        assertThat(open(1000).session(ended.id()).orElseThrow().transcript()).containsExactly(quit, release);
    }

    @Test
    void greylisting_remembers_across_instances() {
        PostgresMessageStore first = open(1000);
        PostgresMessageStore second = open(1000);
        Instant start = Instant.parse("2026-12-05T10:00:00Z");

        Instant seen = first.firstSeen("greylist", "127.0.0.1|a@x|b@y", start, Duration.ofDays(1));
        Instant again = second.firstSeen("greylist", "127.0.0.1|a@x|b@y", start.plusSeconds(60), Duration.ofDays(1));

        assertThat(seen).isEqualTo(start);
        assertThat(again).as("the retry on the other instance is known").isEqualTo(start);
        assertThat(second.firstSeen("greylist", "127.0.0.1|a@x|b@y", start.plus(Duration.ofDays(2)), Duration.ofDays(1)))
                .as("forgotten after its time").isEqualTo(start.plus(Duration.ofDays(2)));
    }

    @Test
    void while_postgresql_is_away_smtp_answers_451_and_recovers_by_itself_when_it_is_back() throws Exception {
        PostgresMessageStore store = open(1000);
        List<String> notices = new CopyOnWriteArrayList<>();
        store.onNotice(notices::add);
        waitUntilListening(store);
        try (FakeSmtpServer smtp = FakeSmtpServer.builder().store(store).build().start()) {
            assertThat(send(smtp.port(), "before")).startsWith("250");
            postgres.stopServer();
            try {
                assertThat(send(smtp.port(), "while away")).startsWith("451 4.3.0");
                assertThatThrownBy(() -> store.count(MessageQuery.all())).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageStartingWith("cannot read " + postgres.url() + ":");
            } finally {
                postgres.startServer();
            }
            String after = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!after.startsWith("250") && System.nanoTime() < deadline) {
                after = send(smtp.port(), "after");
            }
            assertThat(after).startsWith("250");
            assertThat(store.messages()).extracting(message -> message.subject().orElseThrow())
                    .containsExactly("before", "after");
            waitUntilListening(store);
            // One line as it goes, one as it comes back (in pairs, should the connection flap meanwhile).
            assertThat(notices).hasSizeGreaterThanOrEqualTo(2);
            for (int i = 0; i < notices.size(); i++) {
                if (i % 2 == 0) {
                    assertThat(notices.get(i)).startsWith("lost the store " + postgres.url() + ": ")
                            .endsWith("; SMTP answers 451 4.3.0 until it is back");
                } else {
                    assertThat(notices.get(i)).isEqualTo("the store " + postgres.url() + " is back: SMTP accepts mail "
                            + "again");
                }
            }
            assertThat(notices.size() % 2).as("the last says it is back").isZero();
        }
    }

    private static String send(int port, String subject) throws Exception {
        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.replyTimeout(Duration.ofSeconds(30));
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<shop@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            smtp.command("DATA");
            return smtp.command("Subject: " + subject + "\r\n\r\nhello\r\n.");
        }
    }

    @Test
    void bad_urls_and_an_unreachable_database_are_named_without_the_password() {
        assertThatThrownBy(() -> PostgresMessageStore.open("postgresql://x", 10, 10, 1, null, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--store postgresql://x: use postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE");
        assertThatThrownBy(() -> PostgresMessageStore.open("postgresql://bob:s3cret@127.0.0.1:1/mail", 10, 10, 1, null,
                Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot open the store postgresql://bob@127.0.0.1:1/mail: ")
                .hasMessageNotContaining("s3cret");
    }

    private static void waitUntilListening(PostgresMessageStore store) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!store.listening() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(store.listening()).isTrue();
    }
}
