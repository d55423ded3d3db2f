package dev.smtplab.server.store;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.MutableClock;
import dev.smtplab.server.RawSmtp;
import dev.smtplab.server.record.MessagePage;
import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.Recipient;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.record.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteMessageStoreTest {
    @TempDir
    Path folder;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private SqliteMessageStore open(int maxMessages) {
        SqliteMessageStore store = SqliteMessageStore.open(folder.resolve("data/smtplab.db"), maxMessages, 100,
                1 << 30);
        opened.add(store);
        return store;
    }

    static RecordedMessage message(int id, String subject, String body) {
        return new RecordedMessage(Integer.toString(id), "1", 1, id, Instant.parse("2026-12-05T10:00:00Z").plusSeconds(id),
                "127.0.0.1", 40000, "client.test", "shop@example.test", Map.of("BODY", "8BITMIME"),
                List.of(new Recipient("bob@example.test", Map.of("NOTIFY", "NEVER"), 250, "250 2.1.5 Ok"),
                        new Recipient("nobody@example.test", Map.of(), 550, "550 5.1.1 no")),
                ("Subject: " + subject + "\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8),
                "TLSv1.3", "TLS_AES_128_GCM_SHA256", "alice", List.of("bare LF"));
    }

    private static byte[] recordOf(RecordedMessage message) {
        return MessageJournal.record(message, message.data());
    }

    private static void store(SqliteMessageStore store, RecordedMessage message) {
        store.keep(message);
        store.addMessage(message);
    }

    @Test
    void messages_and_sessions_outlive_a_restart_whole() {
        SqliteMessageStore store = open(100);
        RecordedMessage original = message(1, "Hello", "first");
        store(store, original);
        store.putSession(session("1", SessionOutcome.COMPLETED));
        store.putSession(session("2", SessionOutcome.ACTIVE));
        store.close();

        SqliteMessageStore again = open(100);
        assertThat(again.journalReport()).as("after a clean stop, nothing was left in the journal").isEmpty();
        RecordedMessage read = again.message("1").orElseThrow();
        assertThat(read.data()).isEqualTo(original.data());
        assertThat(read.recipients()).isEqualTo(original.recipients());
        assertThat(read.mailParameters()).isEqualTo(original.mailParameters());
        assertThat(read.receivedAt()).isEqualTo(original.receivedAt());
        assertThat(read.tlsCipher()).isEqualTo(original.tlsCipher());
        assertThat(read.authUser()).contains("alice");
        assertThat(read.suspiciousEndOfData()).containsExactly("bare LF");
        assertThat(again.lastMessageNumber()).isEqualTo(1);
        assertThat(again.lastSessionNumber()).isEqualTo(2);
        assertThat(again.sessions()).extracting(RecordedSession::outcome)
                .containsExactly(SessionOutcome.COMPLETED, SessionOutcome.DROPPED);
        assertThat(again.session("2").orElseThrow().outcomeDetail()).isEqualTo("SMTP Lab stopped during the session");
        store(again, message(2, "Again", "second"));
        assertThat(again.cursorOf("2")).hasValue(2);
    }

    /** A release from the web UI adds a line to an ended session's transcript: the message's history. */
    @Test
    void a_line_added_to_an_ended_session_is_kept() throws Exception {
        SqliteMessageStore store = open(100);
        var first = new dev.smtplab.server.record.TranscriptLine(Instant.EPOCH, dev.smtplab.server.record.Direction.CLIENT, "QUIT");
        var release = new dev.smtplab.server.record.TranscriptLine(Instant.EPOCH.plusSeconds(60),
                dev.smtplab.server.record.Direction.EVENT, "released to 127.0.0.1:2525 (starttls): 250 2.0.0 Ok");
        store.putSession(session("4", SessionOutcome.COMPLETED).withTranscript(List.of(first)));
        store.putSession(session("4", SessionOutcome.COMPLETED).withTranscript(List.of(first, release)));
        store.close();
        assertThat(open(100).session("4").orElseThrow().transcript()).containsExactly(first, release);
    }

    @Test
    void an_open_sessions_transcript_is_written_as_it_grows_each_line_once_and_read_back_in_order() throws Exception {
        SqliteMessageStore store = open(100);
        List<dev.smtplab.server.record.TranscriptLine> lines = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            lines.add(new dev.smtplab.server.record.TranscriptLine(Instant.EPOCH.plusSeconds(i),
                    i % 2 == 0 ? dev.smtplab.server.record.Direction.CLIENT : dev.smtplab.server.record.Direction.SERVER,
                    "line " + i + " \"quoted\" \u3042"));
        }
        store.putSession(session("3", SessionOutcome.ACTIVE).withTranscript(lines.subList(0, 3)));
        store.writeOpenSessionsNow();
        store.putSession(session("3", SessionOutcome.ACTIVE).withTranscript(lines.subList(0, 5)));
        store.writeOpenSessionsNow();
        store.putSession(session("3", SessionOutcome.COMPLETED).withTranscript(lines));
        store.close();

        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("data/smtplab.db"));
             var statement = connection.createStatement();
             var chunks = statement.executeQuery("SELECT first_line FROM session_lines ORDER BY first_line")) {
            List<Integer> firstLines = new ArrayList<>();
            while (chunks.next()) {
                firstLines.add(chunks.getInt(1));
            }
            assertThat(firstLines).as("each chunk holds only the lines new since the last").containsExactly(0, 3, 5);
        }
        assertThat(open(100).session("3").orElseThrow().transcript()).isEqualTo(lines);
    }

    @Test
    void only_the_newest_max_sessions_are_kept_in_the_file() throws Exception {
        SqliteMessageStore store = SqliteMessageStore.open(folder.resolve("data/smtplab.db"), 100, 2, 1 << 30);
        for (int id = 1; id <= 5; id++) {
            store.putSession(session(Integer.toString(id), SessionOutcome.COMPLETED).withTranscript(List.of(
                    new dev.smtplab.server.record.TranscriptLine(Instant.EPOCH, dev.smtplab.server.record.Direction.SERVER,
                            "220 session " + id))));
            store.writeOpenSessionsNow();
        }
        store.close();
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("data/smtplab.db"));
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT (SELECT group_concat(number) FROM session), "
                     + "(SELECT group_concat(session_number) FROM session_lines)")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo("4,5");
            assertThat(rows.getString(2)).isEqualTo("4,5");
        }
        assertThat(open(100).sessions()).extracting(RecordedSession::id).containsExactly("4", "5");
    }

    @Test
    void a_session_with_rejections_and_rules_fired_is_read_back_whole_after_a_restart() {
        SqliteMessageStore store = open(100);
        RecordedSession refused = new RecordedSession("7", 7, "127.0.0.1", 40000, Instant.EPOCH, Instant.EPOCH,
                "client.test", SessionOutcome.REJECTED, "refused at RCPT", List.of(), 0, List.of(), null, null, null,
                List.of(new dev.smtplab.server.record.RuleFiring(Instant.EPOCH, "greylist",
                        dev.smtplab.server.scenario.SmtpStage.RCPT, "reply 451")),
                List.of(new dev.smtplab.server.record.Rejection(Instant.EPOCH,
                        dev.smtplab.server.scenario.SmtpStage.RCPT, 451, "451 4.7.1 Try again later")), 2,
                List.of("default"));
        store.putSession(refused);
        store.close();

        SqliteMessageStore again = open(100);
        assertThat(again.session("7")).contains(refused);
    }

    @Test
    void a_message_kept_but_not_yet_visible_when_the_server_died_is_visible_after_restart() {
        SqliteMessageStore store = open(100);
        store(store, message(1, "one", "x"));
        store.keep(message(2, "two", "x"));
        assertThat(store.message("2")).isEmpty();
        store.close();

        SqliteMessageStore again = open(100);
        assertThat(again.messages()).extracting(RecordedMessage::id).containsExactly("1", "2");
    }

    @Test
    void messages_become_visible_in_cursor_order_even_when_announced_out_of_it() throws Exception {
        SqliteMessageStore store = open(100);
        RecordedMessage first = message(1, "first", "x");
        RecordedMessage second = message(2, "second", "x");
        store.keep(first);
        store.keep(second);
        var announcing = java.util.concurrent.CompletableFuture.runAsync(() -> store.addMessage(second));
        Thread.sleep(200);
        assertThat(announcing).as("the second waits for the first").isNotDone();
        assertThat(store.message("2")).as("not visible before the first").isEmpty();
        assertThat(store.firstAfter(0, MessageQuery.all())).isEmpty();

        store.addMessage(first);
        announcing.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(store.messages()).extracting(RecordedMessage::id).containsExactly("1", "2");
    }

    @Test
    void pages_counts_searches_and_deletes_happen_in_the_database() {
        SqliteMessageStore store = open(100);
        for (int id : new int[] {2, 1, 4, 3, 5}) {
            store(store, message(id, "Order " + id, "Your code is " + (1000 + id)));
        }
        String encoded = Base64.getMimeEncoder().encodeToString("Bestätigen Sie Ihr Konto".getBytes(StandardCharsets.UTF_8));
        RecordedMessage german = new RecordedMessage("6", "1", 1, 6, Instant.now(), "127.0.0.1", 1, null,
                "shop@example.test", Map.of(), List.of(new Recipient("anna@example.test", Map.of(), 250, "250 Ok")),
                ("Subject: Konto\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                        + encoded + "\r\n").getBytes(StandardCharsets.US_ASCII));
        store(store, german);

        MessagePage first = store.page(MessageQuery.all(), Long.MAX_VALUE, 2);
        assertThat(first.messages()).extracting(m -> m.message().id()).containsExactly("6", "5");
        assertThat(first.total()).isEqualTo(6);
        MessagePage second = store.page(MessageQuery.all(), first.nextBefore().getAsLong(), 2);
        assertThat(second.messages()).extracting(m -> m.message().id()).containsExactly("3", "4");
        assertThat(store.count(MessageQuery.all().withTo("ANNA"))).isEqualTo(1);
        assertThat(store.count(MessageQuery.all().withTo("nobody"))).as("refused recipients do not count").isZero();
        assertThat(store.page(MessageQuery.all().withText("bestät konto"), Long.MAX_VALUE, 10).messages())
                .as("full-text search in the decoded body, by word prefixes").extracting(m -> m.message().id())
                .containsExactly("6");
        assertThat(store.count(MessageQuery.all().withText("1003"))).isEqualTo(1);
        assertThat(store.count(MessageQuery.all().withSubject("order"))).isEqualTo(5);
        assertThat(store.count(MessageQuery.all().withFrom("100%_"))).as("LIKE wildcards are literal").isZero();
        assertThat(store.firstAfter(2, MessageQuery.all())).hasValueSatisfying(m -> assertThat(m.message().id())
                .isEqualTo("4"));
        assertThat(store.delete(MessageQuery.all().withSubject("order 4"))).isEqualTo(1);
        assertThat(store.deleteMessage("5")).isTrue();
        assertThat(store.deleteMessage("5")).isFalse();
        assertThat(store.messages()).extracting(RecordedMessage::id).containsExactly("2", "1", "3", "6");
    }

    @Test
    void the_oldest_go_first_past_the_limit_and_identical_content_is_stored_once() throws Exception {
        SqliteMessageStore store = open(3);
        for (int id = 1; id <= 5; id++) {
            store(store, message(id, "same", "same body"));
        }
        assertThat(store.messages()).extracting(RecordedMessage::id).containsExactly("3", "4", "5");
        RecordedMessage twin = new RecordedMessage("6", "1", 1, 6, Instant.now(), "127.0.0.1", 1, null, "a@x.test",
                Map.of(), List.of(), message(5, "same", "same body").data());
        store(store, twin);
        store.close();
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + store.file());
             var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*), max(refs) FROM content")) {
            rows.next();
            assertThat(rows.getInt(1)).as("content rows").isEqualTo(1);
            assertThat(rows.getInt(2)).as("messages sharing it").isEqualTo(3);
        }
    }

    @Test
    void content_whose_fingerprint_matches_but_whose_bytes_differ_is_kept_apart() throws Exception {
        SqliteMessageStore store = open(100);
        RecordedMessage first = message(1, "first", "one body");
        RecordedMessage second = message(2, "second", "another body");
        store(store, first);
        store.close();
        // A fingerprint collision, made by hand: the stored content now claims the second one's fingerprint.
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("data/smtplab.db"));
             var update = connection.prepareStatement("UPDATE content SET fingerprint = ?, size = ?")) {
            update.setLong(1, StoredRows.fingerprint(second.data()));
            update.setInt(2, second.data().length);
            update.executeUpdate();
        }
        SqliteMessageStore again = open(100);
        store(again, second);
        assertThat(again.message("1").orElseThrow().data()).isEqualTo(first.data());
        assertThat(again.message("2").orElseThrow().data()).isEqualTo(second.data());
    }

    @Test
    void messages_older_than_the_maximum_age_go() {
        Instant start = Instant.parse("2026-12-05T10:00:00Z");
        MutableClock clock = new MutableClock();
        clock.set(start.plus(Duration.ofHours(2)));
        SqliteMessageStore store = SqliteMessageStore.open(folder.resolve("aged.db"), 100, 100, 1 << 30,
                Duration.ofHours(24), clock);
        opened.add(store);
        store(store, message(1, "old", "x"));                 // received at start + 1 s
        store(store, message(7200, "newer", "y"));            // received at start + 2 h
        clock.set(start.plus(Duration.ofHours(25)));
        store.forgetExpiredNow();
        assertThat(store.messages()).extracting(RecordedMessage::id).containsExactly("7200");
    }

    @Test
    void deleting_gives_pages_back() {
        SqliteMessageStore store = open(1000);
        String big = "x".repeat(200_000);
        for (int id = 1; id <= 20; id++) {
            store(store, message(id, "big", big + id));
        }
        long full = store.pages();
        store.delete(MessageQuery.all());
        assertThat(store.pages()).as("pages after deleting everything, of %d", full).isLessThan(full / 4);
    }

    @Test
    void a_full_disk_refuses_the_write_and_the_store_recovers_when_there_is_room_again() {
        SqliteMessageStore store = open(1000);
        store(store, message(1, "fits", "x"));
        store.simulateFullDisk(true);
        assertThatThrownBy(() -> store.keep(message(2, "too big", "y".repeat(100_000))))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("No space left on device");
        store.simulateFullDisk(false);
        store(store, message(3, "fits again", "z"));
        assertThat(store.messages()).extracting(RecordedMessage::id).containsExactly("1", "3");
    }

    @Test
    void when_only_the_database_is_full_the_answered_message_waits_in_the_journal_and_new_ones_are_refused()
            throws Exception {
        SqliteMessageStore store = open(1000);
        store(store, message(1, "fits", "x"));
        store.capPages(store.pages());
        store(store, message(2, "answered, then the database filled", "y".repeat(100_000)));
        assertThat(store.journalBytes()).as("the answered message is on disk, in the journal").isGreaterThan(100_000);
        long ends = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Throwable refused = null;
        int next = 3;
        while (refused == null && System.nanoTime() < ends) {
            try {
                // Until the writer has tried and failed, messages still go to the journal.
                store(store, message(next++, "before the writer found out", "z"));
                Thread.sleep(50);
            } catch (StoreUnavailableException e) {
                refused = e;
            }
        }
        assertThat(refused).as("a message after the failed indexing is refused, saying why")
                .hasMessageContaining("the database cannot be written").hasMessageContaining("full");
        store.capPages(0);
        long retried = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.messages().size() < next - 2 && System.nanoTime() < retried) {
            Thread.sleep(50);
        }
        assertThat(store.messages()).as("indexed once there is room, within a retry")
                .extracting(RecordedMessage::id).startsWith("1", "2").hasSize(next - 2);
        store(store, message(100, "accepted again", "z"));
        assertThat(store.messages()).extracting(RecordedMessage::id).startsWith("1", "2").endsWith("100");
        assertThat(store.journalBytes()).as("indexed, the journal is emptied").isZero();
    }

    @Test
    void a_message_answered_but_not_yet_indexed_is_found_by_a_read_which_waits_for_the_writer() throws Exception {
        SqliteMessageStore store = open(100);
        java.util.concurrent.CountDownLatch slowDisk = new java.util.concurrent.CountDownLatch(1);
        store.holdWriterUntil(slowDisk);
        store(store, message(1, "answered while the writer is busy", "a"));
        var read = java.util.concurrent.CompletableFuture.supplyAsync(store::messages);
        Thread.sleep(300);
        assertThat(read).as("the read waits for the writer").isNotDone();
        slowDisk.countDown();
        assertThat(read.get(10, java.util.concurrent.TimeUnit.SECONDS)).extracting(RecordedMessage::id)
                .containsExactly("1");
    }

    @Test
    void messages_left_in_the_journal_by_a_crash_are_indexed_at_the_next_start_once_each() throws Exception {
        SqliteMessageStore store = open(100);
        store(store, message(1, "indexed before the crash", "a"));
        store(store, message(2, "indexed, then deleted", "b"));
        store.deleteMessage("2");
        store.close();
        // What a kill leaves: records of messages already indexed (1, and 2 since deleted), two that were
        // answered but not indexed, and the start of one whose write the kill cut short.
        Path journalFolder = MessageJournal.folderOf(folder.resolve("data/smtplab.db"));
        try (MessageJournal journal = MessageJournal.open(journalFolder)) {
            journal.append(1, recordOf(message(1, "indexed before the crash", "a")));
            journal.append(2, recordOf(message(2, "indexed, then deleted", "b")));
            journal.append(3, recordOf(message(3, "answered, not indexed", "c")));
            journal.append(4, recordOf(message(4, "answered, not indexed either", "d")));
        }
        Path segment;
        try (var files = Files.list(journalFolder)) {
            segment = files.findFirst().orElseThrow();
        }
        byte[] torn = Files.readAllBytes(segment);
        Files.write(segment, java.util.Arrays.copyOf(torn, 20), java.nio.file.StandardOpenOption.APPEND);

        SqliteMessageStore again = open(100);
        assertThat(again.journalReport()).isEqualTo("2 message(s) the last run had answered but not indexed, indexed "
                + "now; 20 byte(s) at the end of the journal that were not a whole record (a write cut short when SMTP "
                + "Lab was stopped, or damage), dropped");
        assertThat(again.messages()).extracting(RecordedMessage::id).containsExactly("1", "3", "4");
        assertThat(again.message("4").orElseThrow().recipients()).isEqualTo(message(4, "", "").recipients());
        assertThat(again.page(MessageQuery.all().withText("either"), Long.MAX_VALUE, 10).messages()).hasSize(1);
        try (var files = Files.list(journalFolder)) {
            assertThat(files).as("the journal, indexed, is emptied").isEmpty();
        }
        store(again, message(5, "after", "e"));
        assertThat(again.cursorOf("5")).hasValue(5);
    }

    @Test
    void a_file_that_is_not_a_database_and_a_folder_that_cannot_be_made_are_named() throws Exception {
        Path junk = folder.resolve("junk.db");
        Files.writeString(junk, "this is not SQLite".repeat(100));
        assertThatThrownBy(() -> SqliteMessageStore.open(junk, 10, 10, 1000))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot open the store " + junk + ": it is not an SQLite database, or it is damaged; move it "
                        + "away to start with an empty store");
        Path aFile = Files.writeString(folder.resolve("plain-file"), "x");
        assertThatThrownBy(() -> SqliteMessageStore.open(aFile.resolve("smtplab.db"), 10, 10, 1000))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot make the folder of the store " + aFile.resolve("smtplab.db"));
    }

    @Test
    void each_message_keeps_its_inbox_and_queries_by_inbox_run_in_the_database() {
        SqliteMessageStore store = open(100);
        store(store, inInbox(message(1, "one", "x"), "team-a"));
        store(store, message(2, "two", "x"));
        store(store, inInbox(message(3, "three", "x"), "team-b"));
        store.close();

        SqliteMessageStore again = open(100);
        assertThat(again.message("1").orElseThrow().inbox()).isEqualTo("team-a");
        assertThat(again.message("2").orElseThrow().inbox()).isEqualTo("default");
        MessageQuery teams = MessageQuery.all().inInboxes(java.util.Set.of("team-a", "team-b"));
        assertThat(again.count(teams)).isEqualTo(2);
        assertThat(again.page(teams, Long.MAX_VALUE, 10).messages()).extracting(stored -> stored.message().id())
                .containsExactly("3", "1");
        assertThat(again.count(MessageQuery.all().inInboxes(java.util.Set.of()))).isZero();
        assertThat(again.page(MessageQuery.all().withText("two").inInboxes(java.util.Set.of("default")),
                Long.MAX_VALUE, 10).messages()).hasSize(1);
        assertThat(again.delete(MessageQuery.all().inInboxes(java.util.Set.of("team-b")))).isEqualTo(1);
        assertThat(again.messages()).extracting(RecordedMessage::id).containsExactly("1", "2");
    }

    @Test
    void a_file_from_before_inboxes_is_upgraded_and_its_mail_is_in_the_default_inbox() throws Exception {
        SqliteMessageStore store = open(10);
        store(store, message(1, "old", "x"));
        store.close();
        // What SMTP Lab wrote before inboxes: schema 1, without the column (nor the journal's table), content
        // kept by its SHA-256 and messages pointing at it by that.
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("data/smtplab.db"));
             var statement = connection.createStatement()) {
            statement.execute("DROP TABLE journal_state");
            statement.execute("DROP TABLE session_lines");
            statement.execute("ALTER TABLE content ADD COLUMN sha256 BLOB");
            statement.execute("UPDATE content SET sha256 = randomblob(32)");
            statement.execute("CREATE TABLE content_by_sha (sha256 BLOB PRIMARY KEY, data BLOB NOT NULL, "
                    + "refs INTEGER NOT NULL) WITHOUT ROWID");
            statement.execute("INSERT INTO content_by_sha SELECT sha256, data, refs FROM content");
            statement.execute("CREATE TABLE message_v1 (number INTEGER PRIMARY KEY, id TEXT NOT NULL, cursor INTEGER "
                    + "UNIQUE, session_id TEXT NOT NULL, connection_index INTEGER NOT NULL, transaction_index INTEGER "
                    + "NOT NULL, received_at INTEGER NOT NULL, client_address TEXT NOT NULL, client_port INTEGER NOT "
                    + "NULL, helo TEXT, mail_from TEXT NOT NULL, mail_parameters TEXT NOT NULL, recipients TEXT NOT "
                    + "NULL, to_text TEXT NOT NULL, subject TEXT, size INTEGER NOT NULL, tls_protocol TEXT, tls_cipher "
                    + "TEXT, auth_user TEXT, suspicious TEXT NOT NULL, content_sha256 BLOB NOT NULL REFERENCES content "
                    + "(sha256))");
            statement.execute("INSERT INTO message_v1 SELECT m.number, m.id, m.cursor, m.session_id, "
                    + "m.connection_index, m.transaction_index, m.received_at, m.client_address, m.client_port, m.helo, "
                    + "m.mail_from, m.mail_parameters, m.recipients, m.to_text, m.subject, m.size, m.tls_protocol, "
                    + "m.tls_cipher, m.auth_user, m.suspicious, c.sha256 FROM message m JOIN content c ON c.id = "
                    + "m.content_id");
            statement.execute("DROP TABLE message");
            statement.execute("DROP TABLE content");
            statement.execute("ALTER TABLE content_by_sha RENAME TO content");
            statement.execute("ALTER TABLE message_v1 RENAME TO message");
            statement.execute("DELETE FROM schema_version WHERE version > 1");
            // and a session as it wrote them: the transcript inside the snapshot.
            RecordedSession old = session("9", SessionOutcome.COMPLETED).withTranscript(List.of(
                    new dev.smtplab.server.record.TranscriptLine(Instant.EPOCH, dev.smtplab.server.record.Direction.SERVER,
                            "220 from before")));
            try (var insert = connection.prepareStatement("INSERT INTO session (number, id, snapshot) VALUES (9, '9', ?)")) {
                insert.setString(1, StoredRows.json().writeValueAsString(old));
                insert.executeUpdate();
            }
        }

        SqliteMessageStore upgraded = open(10);
        assertThat(upgraded.message("1").orElseThrow().data()).isEqualTo(message(1, "old", "x").data());
        assertThat(upgraded.session("9").orElseThrow().transcript()).extracting(line -> line.text())
                .containsExactly("220 from before");
        assertThat(upgraded.message("1").orElseThrow().inbox()).isEqualTo("default");
        store(upgraded, inInbox(message(2, "new", "x"), "team-a"));
        assertThat(upgraded.message("2").orElseThrow().inbox()).isEqualTo("team-a");
    }

    @Test
    void a_file_with_content_kept_by_its_sha256_is_upgraded_to_fingerprints_and_reads_back_whole() throws Exception {
        // Schema 3, as the migrations leave it, with one message in it as the store of that schema wrote it.
        Path file = folder.resolve("data/smtplab.db");
        Files.createDirectories(file.getParent());
        RecordedMessage original = message(1, "kept by its hash", "body");
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            SqliteSchema.migrate(connection, file.toString(), 3);
            try (var content = connection.prepareStatement("INSERT INTO content (sha256, data, refs) VALUES (?, ?, 1)");
                 var row = connection.prepareStatement("INSERT INTO message (number, id, cursor, session_id, "
                         + "connection_index, transaction_index, received_at, client_address, client_port, helo, "
                         + "mail_from, mail_parameters, recipients, to_text, subject, size, suspicious, content_sha256, "
                         + "inbox) VALUES (1, '1', 1, '1', 1, 1, ?, '127.0.0.1', 40000, 'client.test', "
                         + "'shop@example.test', ?, ?, 'bob@example.test', 'kept by its hash', ?, '[]', ?, 'team-a')");
                 var state = connection.createStatement()) {
                byte[] sha = StoredRows.sha256(original.data());
                content.setBytes(1, sha);
                content.setBytes(2, original.data());
                content.executeUpdate();
                row.setLong(1, StoredRows.nanos(original.receivedAt()));
                row.setString(2, StoredRows.parametersJson(original.mailParameters()));
                row.setString(3, StoredRows.recipientsJson(original.recipients()));
                row.setInt(4, original.size());
                row.setBytes(5, sha);
                row.executeUpdate();
                state.execute("UPDATE journal_state SET indexed_up_to = 1");
            }
        }

        SqliteMessageStore upgraded = open(10);
        RecordedMessage read = upgraded.message("1").orElseThrow();
        assertThat(read.data()).isEqualTo(original.data());
        assertThat(read.recipients()).isEqualTo(original.recipients());
        assertThat(read.inbox()).isEqualTo("team-a");
        store(upgraded, message(2, "after the upgrade", "body"));
        assertThat(upgraded.page(MessageQuery.all().withText("upgrade"), Long.MAX_VALUE, 10).messages())
                .extracting(stored -> stored.message().id()).containsExactly("2");
        upgraded.deleteMessage("1");
        assertThat(upgraded.messages()).extracting(RecordedMessage::id).containsExactly("2");
    }

    private static RecordedMessage inInbox(RecordedMessage message, String inbox) {
        return new RecordedMessage(message.id(), message.sessionId(), message.connectionIndex(),
                message.transactionIndex(), message.receivedAt(), message.clientAddress(), message.clientPort(),
                message.helo().orElse(null), message.mailFrom(), message.mailParameters(), message.recipients(),
                message.data(), message.tlsProtocol().orElse(null), message.tlsCipher().orElse(null),
                message.authUser().orElse(null), message.suspiciousEndOfData(), inbox);
    }

    @Test
    void marks_messages_read_and_unread_in_the_file_and_the_marks_outlive_a_restart() {
        SqliteMessageStore store = open(100);
        java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
        dev.smtplab.server.record.ReadMarksContract.check(store,
                (subject, inbox) -> inInbox(message(ids.incrementAndGet(), subject, "body"), inbox),
                message -> store(store, message));
        // Left by the contract: message 3, unread. Another, marked read.
        store(store, message(4, "read before the restart", "body"));
        store.markRead("4", true);
        store.close();

        SqliteMessageStore reopened = open(100);
        assertThat(reopened.isRead("4")).isTrue();
        assertThat(reopened.isRead("3")).isFalse();
        assertThat(reopened.count(MessageQuery.all().withRead(false))).isEqualTo(1);
    }

    @Test
    void a_file_from_before_read_marks_is_upgraded_and_its_mail_is_unread() throws Exception {
        Path file = folder.resolve("data/smtplab.db");
        SqliteMessageStore older = open(10);
        store(older, message(1, "before the upgrade", "body"));
        older.close();
        // The file as the schema before read marks left it, with that message in it.
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             var statement = connection.createStatement()) {
            statement.execute("DROP INDEX message_unread");
            statement.execute("DROP INDEX message_unread_inbox");
            statement.execute("ALTER TABLE message DROP COLUMN seen");
            statement.execute("DELETE FROM schema_version WHERE version = " + SqliteSchema.VERSION);
        }
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             var statement = connection.createStatement();
             var columns = statement.executeQuery("SELECT count(*) FROM pragma_table_info('message') WHERE name = 'seen'")) {
            assertThat(columns.getInt(1)).isZero();
        }

        SqliteMessageStore upgraded = open(10);
        store(upgraded, message(2, "after the upgrade", "body"));
        assertThat(upgraded.isRead("1")).isFalse();
        assertThat(upgraded.count(MessageQuery.all().withRead(false))).isEqualTo(2);
        assertThat(upgraded.markRead("1", true)).isTrue();
        assertThat(upgraded.page(MessageQuery.all(), Long.MAX_VALUE, 10).messages())
                .extracting(stored -> stored.message().id() + "=" + stored.read()).containsExactly("2=false", "1=true");
    }

    @Test
    void a_file_from_a_newer_smtp_lab_is_refused() throws Exception {
        open(10).close();
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("data/smtplab.db"));
             var statement = connection.createStatement()) {
            statement.execute("INSERT INTO schema_version (version) VALUES (99)");
        }
        assertThatThrownBy(() -> open(10)).hasMessageContaining("was written by a newer SMTP Lab (schema 99; this one "
                + "knows " + SqliteSchema.VERSION + ")");
    }

    @Test
    void through_the_server_a_restart_keeps_the_mail_and_new_ids_continue_after_the_old() throws Exception {
        Path file = folder.resolve("server.db");
        SqliteMessageStore store = SqliteMessageStore.open(file, 100, 100, 1 << 30);
        FakeSmtpServer server = FakeSmtpServer.builder().store(store).build().start();
        assertThat(send(server.port(), "first")).startsWith("250 2.0.0 Ok: queued as 1");
        server.stop();
        store.close();

        SqliteMessageStore reopened = SqliteMessageStore.open(file, 100, 100, 1 << 30);
        opened.add(reopened);
        FakeSmtpServer restarted = FakeSmtpServer.builder().store(reopened).build().start();
        try {
            assertThat(restarted.messages()).extracting(m -> m.subject().orElse("")).containsExactly("first");
            assertThat(send(restarted.port(), "second")).startsWith("250 2.0.0 Ok: queued as 2");
            assertThat(restarted.sessions()).extracting(RecordedSession::id).containsExactly("1", "2");
        } finally {
            restarted.stop();
        }
    }

    @Test
    void a_server_whose_store_is_full_answers_451_and_accepts_again_once_there_is_room() throws Exception {
        SqliteMessageStore store = open(1000);
        FakeSmtpServer server = FakeSmtpServer.builder().store(store).build().start();
        try {
            send(server.port(), "warm-up");
            store.simulateFullDisk(true);
            assertThat(send(server.port(), "y".repeat(200_000))).isEqualTo("451 4.3.0 Error: queue file write error");
            RecordedSession refused = server.awaitSession(s -> s.id().equals("2") && s.ended().isPresent(),
                    Duration.ofSeconds(5));
            assertThat(refused.transcriptText()).contains("-- the message could not be stored: ")
                    .contains("S: 451 4.3.0 Error: queue file write error").doesNotContain("queued as 2");
            assertThat(refused.messageIds()).isEmpty();
            store.simulateFullDisk(false);
            assertThat(send(server.port(), "after")).startsWith("250 2.0.0 Ok: queued as 3");
            assertThat(server.messages()).hasSize(2);
        } finally {
            server.stop();
        }
    }

    /** Sends one message with the subject; returns the reply to its final dot. */
    static String send(int port, String subject) throws Exception {
        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.replyTimeout(Duration.ofSeconds(30));
            smtp.reply();
            for (String line : List.of("EHLO app.test", "MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>", "DATA")) {
                smtp.command(line);
            }
            String reply = smtp.command("Subject: " + subject + "\r\n\r\nbody\r\n.");
            smtp.command("QUIT");
            return reply;
        }
    }

    private static RecordedSession session(String id, SessionOutcome outcome) {
        return new RecordedSession(id, Long.parseLong(id), "127.0.0.1", 40000, Instant.EPOCH,
                outcome == SessionOutcome.ACTIVE ? null : Instant.EPOCH, "client.test", outcome, "detail", List.of(), 0,
                List.of());
    }
}
