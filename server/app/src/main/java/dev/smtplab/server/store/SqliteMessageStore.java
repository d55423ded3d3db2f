package dev.smtplab.server.store;

import dev.smtplab.server.record.MessagePage;
import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.record.StoreUnavailableException;
import dev.smtplab.server.record.StoredMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Messages and sessions in an SQLite file, so that they outlive a restart or a crash.
 *
 * <p>{@link #keep} gives a message its cursor and writes it to the {@link MessageJournal} before
 * the server decides its reply to the final dot, so a 250 is only ever sent for mail that is on disk
 * (a failed write gives the client 451). One writer thread then indexes the journal's messages into
 * the database behind, in large transactions (group commit), with whatever else is asked of it;
 * while it cannot (a full disk), new messages get 451, and those already answered wait in the
 * journal. Readers see a message only once {@link #addMessage} announced it, as its 250 is recorded,
 * and only up to the lowest cursor not yet announced: cursors become visible in their order, so
 * paging and waiting by cursor never skip one. A read first waits for the writer to have indexed
 * every message kept so far. After a crash, every message in the journal is indexed at the next
 * start: its client may or may not have seen its 250, and SMTP lets a message arrive twice rather
 * than not at all.
 *
 * <p>The database is in WAL mode with {@code synchronous=NORMAL}, and the journal written without
 * fsync: both survive the SMTP Lab process being killed, not the machine losing power. Readers use
 * a small pool of their own connections. Sessions are kept in memory, bounded, and written behind
 * for the next start.
 */
public final class SqliteMessageStore implements MessageStore, AutoCloseable {
    private static final int READERS = 4;
    private static final int BATCH = 2048;
    private static final int WRITER_CACHE_KIB = 16 * 1024;
    /**
     * How far indexing may fall behind the 250s, in KiB of journal records (a message counts at
     * least {@link #MIN_PERMITS}): past it, new messages wait, so the index never lags by more than
     * a fraction of a second.
     */
    private static final int UNINDEXED_KIB = 16 * 1024;
    private static final int MIN_PERMITS = 32;
    private static final Duration RETRY_INDEXING = Duration.ofSeconds(1);
    private static final Duration WRITE_WAIT = Duration.ofSeconds(30);
    static final Duration EXPIRY_CHECK = Duration.ofSeconds(10);
    static final Duration OPEN_SESSION_FLUSH = Duration.ofSeconds(5);

    private final String file;
    private final int maxMessages;
    private final int maxSessions;
    private final long maxBytes;
    /** Messages received longer ago than this go, within {@link #EXPIRY_CHECK}; null keeps them. */
    private final Duration maxAge;
    private final java.time.Clock clock;
    private volatile long expiryCheckedAt = System.nanoTime() - EXPIRY_CHECK.toNanos();

    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    /** Unbounded: {@link #unindexedRoom} bounds the messages in it, and every other write has a caller waiting. */
    private final BlockingQueue<Write> writes = new java.util.concurrent.LinkedBlockingQueue<>();
    private final MessageJournal journal;
    private final java.util.concurrent.Semaphore unindexedRoom = new java.util.concurrent.Semaphore(UNINDEXED_KIB);
    /** The last cursor whose message went to the journal, and the last one the writer has indexed. */
    private volatile long journaledUpTo;
    private volatile long indexedUpTo;
    private final Object indexing = new Object();
    /** Why the writer cannot index the journal's messages now (null while it can): new messages get 451. */
    private volatile String indexingFailure;
    private final Connection writer;
    private final Thread writerThread;
    /** Guards the cursors: their giving out, and which are kept but not yet announced. */
    private final Object visibility = new Object();
    private final java.util.TreeSet<Long> unannounced = new java.util.TreeSet<>();
    private final java.util.Map<String, Long> unannouncedById = new java.util.HashMap<>();
    /** Every message with a cursor up to this one is visible; none after it. */
    private volatile long visibleUpTo;
    private final StoreWaits waits = new StoreWaits(this);
    private final ConcurrentSkipListMap<Long, RecordedSession> sessions = new ConcurrentSkipListMap<>();
    private final SessionRows sessionRows = new SessionRows();
    private long sessionsWrittenAt;
    private volatile boolean closed;
    private long lastCursor;
    private long lastMessageNumber;
    private long lastSessionNumber;
    // Kept by the writer thread only.
    private long messageCount;
    private long contentBytes;

    /**
     * One unit of work for the writer; its future completes once the batch holding it is committed.
     * A message's indexing has its cursor (0 for other work) and the room it takes: it already has
     * its 250, so it is never given up, only tried again.
     */
    private record Write(SqlWork work, CompletableFuture<Void> done, long cursor, int permits) {
        Write(SqlWork work, CompletableFuture<Void> done) {
            this(work, done, 0, 0);
        }

        boolean indexesMessage() {
            return cursor > 0;
        }
    }

    @FunctionalInterface
    private interface SqlWork {
        void run(Connection connection) throws SQLException;
    }

    private SqliteMessageStore(String file, Connection writer, MessageJournal journal, int maxMessages, int maxSessions,
                               long maxBytes, Duration maxAge, java.time.Clock clock) {
        this.journal = journal;
        this.maxAge = maxAge;
        this.clock = clock;
        this.file = file;
        this.writer = writer;
        this.maxMessages = maxMessages;
        this.maxSessions = maxSessions;
        this.maxBytes = maxBytes;
        this.writerThread = new Thread(this::writeLoop, "smtplab-store-writer");
        this.writerThread.setDaemon(true);
    }

    /**
     * Opens the file, made with its folder if missing, upgrading its schema if it is older.
     *
     * @throws IllegalStateException with a message naming the file and the problem: a folder that
     *                               cannot be written, a file that is not an SQLite database, a
     *                               schema from a newer SMTP Lab
     */
    public static SqliteMessageStore open(Path path, int maxMessages, int maxSessions, long maxBytes) {
        return open(path, maxMessages, maxSessions, maxBytes, null, java.time.Clock.systemUTC());
    }

    /**
     * As {@link #open(Path, int, int, long)}, and messages received longer ago than {@code maxAge}
     * (by the clock) go too, checked every {@link #EXPIRY_CHECK}; null keeps them.
     */
    public static SqliteMessageStore open(Path path, int maxMessages, int maxSessions, long maxBytes, Duration maxAge,
                                          java.time.Clock clock) {
        StoredRows.warmUpJson();
        Path absolute = path.toAbsolutePath();
        String file = absolute.toString();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the folder of the store " + file + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(absolute.getParent()) || Files.exists(absolute) && !Files.isWritable(absolute)) {
            throw new IllegalStateException("cannot write the store " + file + ": the folder or the file is not "
                    + "writable by this user");
        }
        SqliteNativeLibrary.useKeptCopy(absolute.getParent());
        Connection writer = null;
        MessageJournal journal = null;
        try {
            journal = MessageJournal.open(MessageJournal.folderOf(absolute));
            writer = connect(file);
            try (Statement statement = writer.createStatement()) {
                // The pages the writer's inserts land on stay in memory (the default is 2 MB).
                statement.execute("PRAGMA cache_size = -" + WRITER_CACHE_KIB);
                // Only takes effect on a new file: each commit that deletes gives the pages back to the file
                // system. (Incremental vacuum frees one page per step, and JDBC steps a pragma once.)
                statement.execute("PRAGMA auto_vacuum = FULL");
                statement.execute("PRAGMA journal_mode = WAL");
            }
            SqliteSchema.migrate(writer, file);
            SqliteMessageStore store = new SqliteMessageStore(file, writer, journal, maxMessages, maxSessions, maxBytes,
                    maxAge, clock);
            store.indexJournal();
            store.load();
            for (int i = 0; i < READERS; i++) {
                store.readers.add(connect(file));
            }
            store.writerThread.start();
            SqliteNativeLibrary.keepCopy(absolute.getParent());
            return store;
        } catch (IOException e) {
            closeQuietly(writer);
            closeQuietly(journal);
            throw new IllegalStateException("cannot read the journal of the store " + file + " ("
                    + MessageJournal.folderOf(absolute) + "): " + e.getMessage(), e);
        } catch (SQLException e) {
            closeQuietly(writer);
            closeQuietly(journal);
            String problem = e.getMessage() != null && (e.getMessage().contains("not a database")
                    || e.getMessage().contains("malformed")) ? "it is not an SQLite database, or it is damaged; "
                    + "move it away to start with an empty store" : e.getMessage();
            throw new IllegalStateException("cannot open the store " + file + ": " + problem, e);
        } catch (RuntimeException e) {
            closeQuietly(writer);
            closeQuietly(journal);
            throw e;
        }
    }

    /**
     * Indexes the messages the journal holds past the last indexed cursor (a crash came before the
     * writer did), in one transaction, then empties the journal.
     */
    private void indexJournal() throws SQLException, IOException {
        long indexed = indexedCursor(writer);
        MessageJournal.Contents contents = journal.contents();
        List<MessageJournal.Entry> entries = contents.entries().stream().filter(entry -> entry.cursor() > indexed)
                .toList();
        indexedFromJournal = entries.size();
        skippedJournalBytes = contents.skippedBytes();
        if (!entries.isEmpty()) {
            writer.setAutoCommit(false);
            try {
                for (MessageJournal.Entry entry : entries) {
                    insert(writer, row(entry.message()), entry.cursor());
                }
                markIndexed(writer, entries.get(entries.size() - 1).cursor());
                writer.commit();
            } catch (SQLException | RuntimeException e) {
                writer.rollback();
                throw e;
            } finally {
                writer.setAutoCommit(true);
            }
        }
        journal.deleteAll();
    }

    private int indexedFromJournal;
    private long skippedJournalBytes;

    /**
     * What the start found in the journal: messages the last run answered 250 for but had not
     * indexed (it did not close the store: killed, or the machine stopped), and bytes that were not
     * a whole record (a write cut short by the kill, or damage), dropped. For the start's report.
     */
    public String journalReport() {
        List<String> report = new ArrayList<>();
        if (indexedFromJournal > 0) {
            report.add(indexedFromJournal + " message(s) the last run had answered but not indexed, indexed now");
        }
        if (skippedJournalBytes > 0) {
            report.add(skippedJournalBytes + " byte(s) at the end of the journal that were not a whole record (a write "
                    + "cut short when SMTP Lab was stopped, or damage), dropped");
        }
        return String.join("; ", report);
    }

    private static long indexedCursor(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT indexed_up_to FROM journal_state")) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    private void markIndexed(Connection connection, long cursor) throws SQLException {
        PreparedStatement mark = statements(connection).indexed;
        mark.setLong(1, cursor);
        mark.executeUpdate();
    }

    private static Connection connect(String file) throws SQLException {
        // The driver itself, not DriverManager, which would load every JDBC driver on the class path first.
        Connection connection = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file, new java.util.Properties());
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.execute("PRAGMA synchronous = NORMAL");
            statement.execute("PRAGMA foreign_keys = ON");
        }
        return connection;
    }

    /**
     * Counters and sessions from the file. Every message in it has its cursor (given when it was
     * kept), so all of them are visible from the start, those whose 250 a crash cut off included.
     */
    private void load() throws SQLException {
        try (Statement statement = writer.createStatement()) {
            try (ResultSet row = statement.executeQuery("SELECT coalesce(max(cursor), 0), coalesce(max(number), 0), "
                    + "count(*), coalesce(sum(size), 0) FROM message")) {
                row.next();
                lastCursor = Math.max(row.getLong(1), indexedCursor(writer));
                lastMessageNumber = row.getLong(2);
                messageCount = row.getLong(3);
                contentBytes = row.getLong(4);
            }
            try (ResultSet row = statement.executeQuery("SELECT coalesce(max(number), 0) FROM session")) {
                row.next();
                lastSessionNumber = row.getLong(1);
            }
            SessionRows.read(writer, maxSessions).forEach((number, session) -> sessions.put(number,
                    endedByTheStop(session)));
        }
        waits.takeAfter(lastCursor);
        visibleUpTo = lastCursor;
        journaledUpTo = lastCursor;
        indexedUpTo = lastCursor;
    }

    /** A session still open when SMTP Lab stopped without closing it (a crash) ended there. */
    private static RecordedSession endedByTheStop(RecordedSession session) {
        if (session.outcome() != SessionOutcome.ACTIVE) {
            return session;
        }
        return new RecordedSession(session.id(), session.connectionIndex(), session.clientAddress(),
                session.clientPort(), session.startedAt(), session.startedAt(), session.helo(), SessionOutcome.DROPPED,
                "SMTP Lab stopped during the session", session.transcript(), session.omittedTranscriptLines(),
                session.messageIds(), session.tlsProtocol(), session.tlsCipher(), session.authUser(),
                session.rulesFired(), session.rejections(), session.pipelinedCommands(), session.inboxes());
    }

    public String file() {
        return file;
    }

    /**
     * For tests of what the server does when it cannot write: true caps the database at the pages
     * it has and the journal at the bytes it has, as a full disk would; false lifts both.
     */
    void simulateFullDisk(boolean full) {
        journal.cap(full ? Math.max(1, journalBytes()) : 0);
        capPages(full ? pages() : 0);
    }

    /** Caps the database alone at this many pages (0 lifts the cap): the journal still takes messages. */
    void capPages(long pages) {
        await(enqueue(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA max_page_count = " + (pages > 0 ? pages : 1_073_741_823L));
            }
        }), "cap the file");
    }

    /** Pages the file holds now. */
    long pages() {
        return read(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("PRAGMA page_count")) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    long journalBytes() {
        try {
            return journal.bytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- writing ----

    /**
     * Writes the message to the journal: once this returns, it is on disk and its 250 may go. The
     * writer indexes it behind. Refused while the writer cannot index (the reason is the message),
     * and after waiting {@link #WRITE_WAIT} for room when indexing is that far behind.
     */
    @Override
    public void keep(RecordedMessage message) {
        String failure = indexingFailure;
        if (failure != null) {
            throw new StoreUnavailableException("cannot keep message " + message.id() + " in " + file + ": " + failure,
                    null);
        }
        if (closed) {
            throw new StoreUnavailableException("the store " + file + " is closed", null);
        }
        // Worked out here, on the session's own thread, so that the single writer only runs SQL.
        Row row = row(message);
        byte[] record = MessageJournal.record(message, row.data());
        int permits = Math.min(UNINDEXED_KIB, Math.max(MIN_PERMITS, record.length >> 10));
        try {
            if (!unindexedRoom.tryAcquire(permits, WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StoreUnavailableException("cannot keep message " + message.id() + " in " + file
                        + ": indexing is " + WRITE_WAIT.toSeconds() + " s behind", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while writing to " + file, e);
        }
        synchronized (visibility) {
            long cursor = ++lastCursor;
            try {
                journal.append(cursor, record);
            } catch (IOException e) {
                // The cursor stays unused: no reader waits for it, and the journal is as it was.
                unindexedRoom.release(permits);
                throw new StoreUnavailableException("cannot keep message " + message.id() + " in " + file + ": "
                        + e.getMessage(), e);
            }
            unannounced.add(cursor);
            unannouncedById.put(message.id(), cursor);
            writes.add(new Write(connection -> insert(connection, row, cursor), new CompletableFuture<>(), cursor,
                    permits));
            journaledUpTo = cursor;
        }
    }

    /**
     * Announces a kept message; returns once it is visible, which waits, rarely and briefly, for
     * messages kept before it to be announced too. A message never kept is kept first.
     */
    @Override
    public void addMessage(RecordedMessage message) {
        Long cursor;
        synchronized (visibility) {
            cursor = unannouncedById.get(message.id());
        }
        if (cursor == null) {
            keep(message);
        }
        long announced = announce(message.id(), true);
        long ends = System.nanoTime() + WRITE_WAIT.toNanos();
        synchronized (visibility) {
            while (visibleUpTo < announced && System.nanoTime() < ends) {
                try {
                    visibility.wait(Math.max(1, (ends - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        wakeWaiters();
    }

    /** Takes a message off the unannounced; the visible cursors move up to the lowest still unannounced. */
    private long announce(String id, boolean visible) {
        synchronized (visibility) {
            Long cursor = unannouncedById.remove(id);
            if (cursor == null) {
                return visibleUpTo;
            }
            unannounced.remove(cursor);
            visibleUpTo = unannounced.isEmpty() ? lastCursor : unannounced.first() - 1;
            visibility.notifyAll();
            return visible ? cursor : visibleUpTo;
        }
    }

    /**
     * Sessions live in memory and are written behind: an open one every 5 s, and each when it ends
     * (a session snapshot is not what a 250 promises, and a busy kept connection is snapshot after
     * every message, its transcript growing each time: written each second, their JSON was the
     * top of the profile under load).
     */
    @Override
    public void putSession(RecordedSession session) {
        long number = StoredRows.number(session.id());
        sessions.put(number, session);
        while (sessions.size() > maxSessions) {
            sessions.pollFirstEntry();
        }
        sessionRows.changed(number, session);
        wakeWaiters();
    }

    /** Writes the sessions changed since the last time (the open ones too with {@code open}); on the writer thread. */
    private void writeSessions(Connection connection, boolean open) throws SQLException {
        sessionRows.write(connection, open, sessions.isEmpty() ? null : sessions.firstKey());
    }

    private CompletableFuture<Void> enqueue(SqlWork work) {
        if (closed) {
            throw new StoreUnavailableException("the store " + file + " is closed", null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            if (!writes.offer(new Write(work, done), WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StoreUnavailableException("the store " + file + " is too far behind (its writes queue "
                        + "is full)", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while writing to " + file, e);
        }
        return done;
    }

    private void await(CompletableFuture<Void> done, String what) {
        try {
            done.get(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new StoreUnavailableException("cannot " + what + " in " + file + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("cannot " + what + " in " + file + ": no commit within "
                    + WRITE_WAIT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while writing to " + file, e);
        }
    }

    /**
     * Takes what is queued, commits it as one transaction, and answers each writer; then keeps within
     * bounds. Messages it could not index (a full disk) are tried again, first, a second later.
     */
    private void writeLoop() {
        List<Write> batch = new ArrayList<>(BATCH);
        List<Write> stalled = List.of();
        while (!closed || !writes.isEmpty()) {
            try {
                batch.addAll(stalled);
                if (!stalled.isEmpty()) {
                    Thread.sleep(RETRY_INDEXING.toMillis());
                    writes.drainTo(batch, BATCH);
                } else {
                    Write first = writes.poll(200, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        batch.add(first);
                        writes.drainTo(batch, BATCH - 1);
                    }
                }
                boolean endedDue = sessionRows.takeEndedDue();
                boolean openDue = System.nanoTime() - sessionsWrittenAt > OPEN_SESSION_FLUSH.toNanos();
                if ((endedDue || openDue) && sessionRows.anyUnwritten()) {
                    if (openDue) {
                        sessionsWrittenAt = System.nanoTime();
                    }
                    batch.add(new Write(connection -> writeSessions(connection, openDue), new CompletableFuture<>()));
                }
                if (maxAge != null && System.nanoTime() - expiryCheckedAt > EXPIRY_CHECK.toNanos()) {
                    expiryCheckedAt = System.nanoTime();
                    batch.add(new Write(this::forgetExpired, new CompletableFuture<>()));
                }
                stalled = commit(batch);
                indexingFailure = stalled.isEmpty() ? null : "the database cannot be written: " + lastFailure;
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } finally {
                batch.clear();
            }
        }
        batch.addAll(stalled);
        writes.drainTo(batch);
        batch.add(new Write(connection -> writeSessions(connection, true), new CompletableFuture<>()));
        commit(batch); // what still cannot be indexed stays in the journal for the next start
        synchronized (indexing) {
            indexing.notifyAll();
        }
    }

    private String lastFailure;

    /**
     * Commits the batch as one transaction; when that fails, each write on its own, so one bad
     * write fails no other. Returns the messages that could not be indexed, in order: after the
     * first, none is tried, so that messages are indexed in cursor order.
     */
    private List<Write> commit(List<Write> batch) {
        if (batch.isEmpty() || commitTogether(batch)) {
            return List.of();
        }
        if (batch.size() == 1) {
            Write write = batch.get(0);
            if (write.indexesMessage()) {
                return List.of(write);
            }
            write.done().completeExceptionally(new SQLException(lastFailure));
            return List.of();
        }
        List<Write> stalled = new ArrayList<>();
        for (Write write : batch) {
            if (write.indexesMessage() && !stalled.isEmpty()) {
                stalled.add(write);
            } else {
                stalled.addAll(commit(List.of(write)));
            }
        }
        return stalled;
    }

    private boolean commitTogether(List<Write> batch) {
        long countBefore = messageCount;
        long bytesBefore = contentBytes;
        long indexed = 0;
        int permits = 0;
        try {
            writer.setAutoCommit(false);
            for (Write write : batch) {
                write.work().run(writer);
                indexed = Math.max(indexed, write.cursor());
                permits += write.permits();
            }
            if (indexed > 0) {
                markIndexed(writer, indexed);
            }
            enforceBounds(writer);
            writer.commit();
            sessionRows.committed();
        } catch (SQLException | RuntimeException e) {
            messageCount = countBefore;
            contentBytes = bytesBefore;
            lastFailure = e.getMessage();
            sessionRows.rolledBack();
            forgetStatements();
            try {
                writer.rollback();
            } catch (SQLException ignored) {
                // The failure is what matters.
            }
            return false;
        } finally {
            try {
                writer.setAutoCommit(true);
            } catch (SQLException ignored) {
                // The next batch sets it again.
            }
        }
        batch.forEach(write -> write.done().complete(null));
        if (indexed > 0) {
            unindexedRoom.release(permits);
            try {
                journal.indexedUpTo(indexed);
            } catch (IOException e) {
                // The records stay, and are skipped at the next start: they are indexed.
            }
            synchronized (indexing) {
                indexedUpTo = indexed;
                indexing.notifyAll();
            }
        }
        return true;
    }

    /**
     * Waits (at most {@link #WRITE_WAIT}) until every message kept so far is indexed, so that a
     * read finds each one announced; not while the writer cannot index, and not on its own thread.
     */
    private void awaitIndexed() {
        long target = journaledUpTo;
        if (indexedUpTo >= target || Thread.currentThread() == writerThread) {
            return;
        }
        long ends = System.nanoTime() + WRITE_WAIT.toNanos();
        synchronized (indexing) {
            while (indexedUpTo < target && indexingFailure == null && writerThread.isAlive()
                    && System.nanoTime() < ends) {
                try {
                    indexing.wait(Math.max(1, Math.min(200, (ends - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A message as the tables hold it: hashed, its lists as JSON, its searchable text taken out. */
    private record Row(long number, RecordedMessage message, byte[] data, long fingerprint, String mailParameters,
                       String recipients, String toText, String subject, String suspicious, String addresses,
                       String body) {
    }

    private Row row(RecordedMessage message) {
        byte[] data = message.data();
        String subject = message.subject().orElse(null);
        return new Row(StoredRows.number(message.id()), message, data, StoredRows.fingerprint(data),
                StoredRows.parametersJson(message.mailParameters()), StoredRows.recipientsJson(message.recipients()),
                String.join("\n", message.acceptedRecipients()).toLowerCase(Locale.ROOT), subject,
                StoredRows.stringsJson(message.suspiciousEndOfData()),
                message.mailFrom() + " " + String.join(" ", message.acceptedRecipients()), StoredRows.searchableBody(message));
    }

    /** The writer's statements, prepared once: SQLite parses each only the first time. */
    private final class Statements {
        final PreparedStatement sameContent;
        final PreparedStatement sharedContent;
        final PreparedStatement content;
        final PreparedStatement contentId;
        final PreparedStatement message;
        final PreparedStatement text;
        final PreparedStatement indexed;

        Statements(Connection connection) throws SQLException {
            indexed = connection.prepareStatement("UPDATE journal_state SET indexed_up_to = max(indexed_up_to, ?)");
            sameContent = connection.prepareStatement("SELECT id, data FROM content WHERE fingerprint = ? AND size = ?");
            sharedContent = connection.prepareStatement("UPDATE content SET refs = refs + 1 WHERE id = ?");
            content = connection.prepareStatement("INSERT INTO content (fingerprint, size, data, refs) VALUES (?, ?, ?, 1)");
            contentId = connection.prepareStatement("SELECT last_insert_rowid()");
            message = connection.prepareStatement("INSERT INTO message (number, id, cursor, session_id, "
                    + "connection_index, transaction_index, received_at, client_address, client_port, helo, mail_from, "
                    + "mail_parameters, recipients, to_text, subject, size, tls_protocol, tls_cipher, auth_user, "
                    + "suspicious, content_id, inbox) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    + "?)");
            text = connection.prepareStatement("INSERT INTO message_text (rowid, subject, addresses, body) "
                    + "VALUES (?, ?, ?, ?)");
        }
    }

    private Statements statements;

    private Statements statements(Connection connection) throws SQLException {
        if (statements == null) {
            statements = new Statements(connection);
        }
        return statements;
    }

    /** After a failed write the driver may have closed them: they are prepared again when next needed. */
    private void forgetStatements() {
        if (statements != null) {
            for (PreparedStatement statement : List.of(statements.sameContent, statements.sharedContent,
                    statements.content, statements.contentId, statements.message, statements.text, statements.indexed)) {
                try {
                    statement.close();
                } catch (SQLException ignored) {
                    // closed already
                }
            }
            statements = null;
        }
    }

    private void insert(Connection connection, Row row, long cursor) throws SQLException {
        Statements prepared = statements(connection);
        RecordedMessage message = row.message();
        long contentId = keepContent(prepared, row);
        PreparedStatement insert = prepared.message;
        insert.setLong(1, row.number());
        insert.setString(2, message.id());
        insert.setLong(3, cursor);
        insert.setString(4, message.sessionId());
        insert.setLong(5, message.connectionIndex());
        insert.setInt(6, message.transactionIndex());
        insert.setLong(7, StoredRows.nanos(message.receivedAt()));
        insert.setString(8, message.clientAddress());
        insert.setInt(9, message.clientPort());
        insert.setString(10, message.helo().orElse(null));
        insert.setString(11, message.mailFrom());
        insert.setString(12, row.mailParameters());
        insert.setString(13, row.recipients());
        insert.setString(14, row.toText());
        insert.setString(15, row.subject());
        insert.setInt(16, row.data().length);
        insert.setString(17, message.tlsProtocol().orElse(null));
        insert.setString(18, message.tlsCipher().orElse(null));
        insert.setString(19, message.authUser().orElse(null));
        insert.setString(20, row.suspicious());
        insert.setLong(21, contentId);
        insert.setString(22, message.inbox());
        insert.executeUpdate();
        prepared.text.setLong(1, cursor);
        prepared.text.setString(2, row.subject() == null ? "" : row.subject());
        prepared.text.setString(3, row.addresses());
        prepared.text.setString(4, row.body());
        prepared.text.executeUpdate();
        messageCount++;
        contentBytes += row.data().length;
    }

    /** The id of a row holding these bytes: one already there with the same bytes, or a new one. */
    private static long keepContent(Statements prepared, Row row) throws SQLException {
        prepared.sameContent.setLong(1, row.fingerprint());
        prepared.sameContent.setInt(2, row.data().length);
        Long same = null;
        try (ResultSet candidates = prepared.sameContent.executeQuery()) {
            while (same == null && candidates.next()) {
                if (java.util.Arrays.equals(candidates.getBytes(2), row.data())) {
                    same = candidates.getLong(1);
                }
            }
        }
        if (same != null) {
            prepared.sharedContent.setLong(1, same);
            prepared.sharedContent.executeUpdate();
            return same;
        }
        prepared.content.setLong(1, row.fingerprint());
        prepared.content.setInt(2, row.data().length);
        prepared.content.setBytes(3, row.data());
        prepared.content.executeUpdate();
        try (ResultSet id = prepared.contentId.executeQuery()) {
            id.next();
            return id.getLong(1);
        }
    }

    /** The oldest go while they were received longer ago than {@code maxAge}. */
    private void forgetExpired(Connection connection) throws SQLException {
        long cutoff = StoredRows.nanos(clock.instant().minus(maxAge));
        while (true) {
            Long oldest = null;
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT number, received_at FROM message WHERE cursor <= "
                         + visibleUpTo + " ORDER BY cursor LIMIT 1")) {
                if (row.next() && row.getLong(2) < cutoff) {
                    oldest = row.getLong(1);
                }
            }
            if (oldest == null) {
                return;
            }
            deleteNumber(connection, oldest);
        }
    }

    /** Holds the writer until the latch opens, as a slow disk would: for tests of what waits for it. */
    void holdWriterUntil(java.util.concurrent.CountDownLatch open) {
        enqueue(connection -> {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Writes the open sessions now, not within {@link #OPEN_SESSION_FLUSH}: for tests. */
    void writeOpenSessionsNow() {
        await(enqueue(connection -> writeSessions(connection, true)), "write the open sessions");
    }

    /** Checks for expired messages at the next batch, not a moment later: for tests with a clock of their own. */
    void forgetExpiredNow() {
        expiryCheckedAt = System.nanoTime() - 2 * EXPIRY_CHECK.toNanos();
        await(enqueue(connection -> { }), "check for expired messages");
        await(enqueue(connection -> { }), "check for expired messages");
    }

    /** The oldest go first while there are too many, or too many bytes; the newest always stays. */
    private void enforceBounds(Connection connection) throws SQLException {
        while ((messageCount > maxMessages || contentBytes > maxBytes) && messageCount > 1) {
            Long oldest = null;
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT number FROM message ORDER BY cursor LIMIT 1")) {
                if (row.next()) {
                    oldest = row.getLong(1);
                }
            }
            if (oldest == null) {
                return;
            }
            deleteNumber(connection, oldest);
        }
    }

    private boolean deleteNumber(Connection connection, long number) throws SQLException {
        long contentId;
        int size;
        long cursor;
        try (PreparedStatement find = connection.prepareStatement("SELECT content_id, size, cursor FROM message "
                + "WHERE number = ?")) {
            find.setLong(1, number);
            try (ResultSet row = find.executeQuery()) {
                if (!row.next()) {
                    return false;
                }
                contentId = row.getLong(1);
                size = row.getInt(2);
                cursor = row.getLong(3);
            }
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM message WHERE number = ?");
             PreparedStatement text = connection.prepareStatement("DELETE FROM message_text WHERE rowid = ?");
             PreparedStatement release = connection.prepareStatement("UPDATE content SET refs = refs - 1 WHERE id = ?");
             PreparedStatement unused = connection.prepareStatement("DELETE FROM content WHERE id = ? AND refs <= 0")) {
            delete.setLong(1, number);
            delete.executeUpdate();
            text.setLong(1, cursor);
            text.executeUpdate();
            release.setLong(1, contentId);
            release.executeUpdate();
            unused.setLong(1, contentId);
            unused.executeUpdate();
        }
        messageCount--;
        contentBytes -= size;
        return true;
    }

    // ---- reading ----

    @Override
    public List<RecordedMessage> messages() {
        return select("SELECT * FROM message m WHERE m.cursor <= " + visibleUpTo + " ORDER BY m.cursor",
                statement -> { }).stream()
                .map(StoredMessage::message).toList();
    }

    @Override
    public Optional<RecordedMessage> message(String id) {
        return select("SELECT * FROM message m WHERE m.cursor <= " + visibleUpTo + " AND m.number = ? AND m.id = ?",
                statement -> {
            statement.setLong(1, StoredRows.number(id));
            statement.setString(2, id);
        }).stream()
                .map(StoredMessage::message).findFirst();
    }

    @Override
    public List<RecordedSession> sessions() {
        return List.copyOf(sessions.values());
    }

    @Override
    public Optional<RecordedSession> session(String id) {
        return Optional.ofNullable(sessions.get(StoredRows.number(id)));
    }

    @Override
    public List<RecordedMessage> messagesOfSession(String sessionId) {
        return select("SELECT * FROM message m WHERE m.cursor <= " + visibleUpTo + " AND m.session_id = ? "
                + "ORDER BY m.cursor",
                statement -> statement.setString(1, sessionId)).stream().map(StoredMessage::message).toList();
    }

    @Override
    public boolean deleteMessage(String id) {
        boolean[] deleted = new boolean[1];
        await(enqueue(connection -> deleted[0] = deleteNumber(connection, StoredRows.number(id))), "delete message " + id);
        return deleted[0];
    }

    @Override
    public boolean markRead(String id, boolean read) {
        int[] changed = new int[1];
        await(enqueue(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE message SET seen = ? "
                    + "WHERE number = ? AND id = ? AND cursor <= " + visibleUpTo)) {
                statement.setInt(1, read ? 1 : 0);
                statement.setLong(2, StoredRows.number(id));
                statement.setString(3, id);
                changed[0] = statement.executeUpdate();
            }
        }), "mark message " + id + (read ? " read" : " unread"));
        return changed[0] > 0;
    }

    @Override
    public int markRead(MessageQuery query, boolean read) {
        Where where = Where.of(query.withRead(!read));
        int[] changed = new int[1];
        await(enqueue(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE message SET seen = ? WHERE number IN "
                    + "(SELECT m.number FROM " + where.source() + " WHERE " + where.key() + " <= " + visibleUpTo
                    + where.sql() + ")")) {
                statement.setInt(1, read ? 1 : 0);
                where.bind(statement, 2);
                changed[0] = statement.executeUpdate();
            }
        }), "mark messages" + (read ? " read" : " unread"));
        return changed[0];
    }

    @Override
    public boolean isRead(String id) {
        return read(connection -> StoredRows.column(connection, id, "seen", " AND cursor <= " + visibleUpTo,
                row -> row.getBoolean(1), false));
    }

    @Override
    public void clear() {
        await(enqueue(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("DELETE FROM message");
                statement.execute("DELETE FROM message_text");
                statement.execute("DELETE FROM content");
                statement.execute("DELETE FROM session");
                statement.execute("DELETE FROM session_lines");
                sessionRows.forgetWritten();
            }
            messageCount = 0;
            contentBytes = 0;
        }), "clear the store");
        sessions.clear();
    }

    @Override
    public MessagePage page(MessageQuery query, long before, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least 1 message, not " + limit);
        }
        Where where = Where.of(query);
        List<StoredMessage> found = select("SELECT m.* FROM " + where.source() + " WHERE " + where.key() + " <= "
                + visibleUpTo + " AND " + where.key() + " < ?" + where.sql() + " ORDER BY " + where.key()
                + " DESC LIMIT ?", statement -> {
            statement.setLong(1, before);
            int next = where.bind(statement, 2);
            statement.setInt(next, limit + 1);
        });
        OptionalLong nextBefore = found.size() > limit ? OptionalLong.of(found.get(limit - 1).cursor())
                : OptionalLong.empty();
        return new MessagePage(found.subList(0, Math.min(limit, found.size())), count(query), nextBefore);
    }

    @Override
    public int count(MessageQuery query) {
        Where where = Where.of(query);
        return read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM "
                    + where.countSource() + " WHERE " + where.key() + " <= " + visibleUpTo + where.sql())) {
                where.bind(statement, 1);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    return row.getInt(1);
                }
            }
        });
    }

    @Override
    public int delete(MessageQuery query) {
        Where where = Where.of(query);
        int[] deleted = new int[1];
        await(enqueue(connection -> {
            List<Long> numbers = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT m.number FROM " + where.source()
                    + " WHERE " + where.key() + " <= " + visibleUpTo + where.sql())) {
                where.bind(statement, 1);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        numbers.add(rows.getLong(1));
                    }
                }
            }
            for (long number : numbers) {
                if (deleteNumber(connection, number)) {
                    deleted[0]++;
                }
            }
        }), "delete messages");
        return deleted[0];
    }

    @Override
    public Optional<StoredMessage> firstAfter(long cursor, MessageQuery query) {
        Where where = Where.of(query);
        return select("SELECT m.* FROM " + where.source() + " WHERE " + where.key() + " > ? AND " + where.key()
                + " <= " + visibleUpTo + where.sql() + " ORDER BY " + where.key() + " LIMIT 1", statement -> {
            statement.setLong(1, cursor);
            where.bind(statement, 2);
        }).stream().findFirst();
    }

    @Override
    public OptionalLong cursorOf(String id) {
        return read(connection -> StoredRows.column(connection, id, "cursor", " AND cursor <= " + visibleUpTo,
                row -> OptionalLong.of(row.getLong(1)), OptionalLong.empty()));
    }

    @Override
    public long lastMessageNumber() {
        return lastMessageNumber;
    }

    @Override
    public long lastSessionNumber() {
        return lastSessionNumber;
    }

    // ---- waiting ----

    @Override
    public List<RecordedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        return waits.awaitMessages(count, timeout);
    }

    @Override
    public RecordedMessage takeMessage(Duration timeout) throws InterruptedException {
        return waits.takeMessage(timeout);
    }

    @Override
    public RecordedMessage awaitMessage(Predicate<RecordedMessage> condition, Duration timeout)
            throws InterruptedException {
        return waits.awaitMessage(condition, timeout);
    }

    @Override
    public RecordedSession awaitSession(Predicate<RecordedSession> condition, Duration timeout)
            throws InterruptedException {
        return waits.awaitSession(condition, timeout);
    }

    @Override
    public <T> T waitUntil(java.util.function.Supplier<T> attempt, Duration timeout) throws InterruptedException {
        return waits.waitFor(attempt, timeout);
    }

    private void wakeWaiters() {
        waits.wake();
    }

    // ---- plumbing ----

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private interface Reading<T> {
        T read(Connection connection) throws SQLException;
    }

    /**
     * The messages the condition picks, with their content. The rows are chosen first and their
     * content joined after: joined before, a search matching every message read every message's
     * bytes to keep 50 (1.9 s over 100,000 messages).
     */
    private List<StoredMessage> select(String chosen, Binder binder) {
        boolean newestFirst = chosen.contains(" DESC LIMIT ");
        return read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + StoredRows.COLUMNS + " FROM ("
                    + chosen + ") m JOIN content c ON c.id = m.content_id ORDER BY m.cursor"
                    + (newestFirst ? " DESC" : ""))) {
                binder.bind(statement);
                List<StoredMessage> found = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        found.add(StoredRows.stored(rows));
                    }
                }
                return found;
            }
        });
    }

    private <T> T read(Reading<T> reading) {
        awaitIndexed();
        Connection connection;
        try {
            connection = readers.poll(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while reading " + file, e);
        }
        if (connection == null) {
            throw new StoreUnavailableException("no free connection to read " + file, null);
        }
        try {
            return reading.read(connection);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot read " + file + ": " + e.getMessage(), e);
        } finally {
            readers.add(connection);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // Already failing.
            }
        }
    }

    /** Waits for what is queued to be committed, then closes every connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writerThread.join(WRITE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(writer);
        closeQuietly(journal);
        Connection reader;
        while ((reader = readers.poll()) != null) {
            closeQuietly(reader);
        }
    }

    /** A query's conditions as SQL, with the values to bind in order. */
    /**
     * A query's conditions as SQL, with the values to bind in order. With search words, the rows come
     * from the full-text index, whose rowid is the cursor: it gives them in cursor order and stops at
     * a page, instead of every match being found and sorted (a word in all 100,000 messages).
     *
     * @param source      the tables, aliased m for message
     * @param countSource the tables a count needs: the index alone when it is the only condition
     * @param key         the cursor column to order and range by
     */
    private record Where(String source, String countSource, String key, String sql, List<Object> values) {
        static Where of(MessageQuery query) {
            StringBuilder sql = new StringBuilder();
            List<Object> values = new ArrayList<>();
            boolean text = query.text() != null;
            if (text) {
                sql.append(" AND message_text MATCH ?");
                values.add(match(query.text()));
            }
            if (query.from() != null) {
                sql.append(" AND lower(m.mail_from) LIKE ? ESCAPE '\\'");
                values.add(StoredRows.like(query.from()));
            }
            if (query.to() != null) {
                sql.append(" AND m.to_text LIKE ? ESCAPE '\\'");
                values.add(StoredRows.like(query.to()));
            }
            if (query.subject() != null) {
                sql.append(" AND lower(m.subject) LIKE ? ESCAPE '\\'");
                values.add(StoredRows.like(query.subject()));
            }
            if (query.inboxes() != null) {
                sql.append(" AND m.inbox IN (").append(query.inboxes().isEmpty() ? "NULL"
                        : String.join(", ", java.util.Collections.nCopies(query.inboxes().size(), "?"))).append(')');
                values.addAll(query.inboxes());
            }
            if (query.since() != null) {
                sql.append(" AND m.received_at >= ?");
                values.add(StoredRows.nanos(query.since()));
            }
            if (query.until() != null) {
                sql.append(" AND m.received_at < ?");
                values.add(StoredRows.nanos(query.until()));
            }
            if (query.read() != null) {
                sql.append(" AND m.seen = ?");
                values.add(query.read() ? 1 : 0);
            }
            boolean textOnly = text && values.size() == 1;
            String source = text ? "message_text JOIN message m ON m.cursor = message_text.rowid" : "message m";
            return new Where(source, textOnly ? "message_text" : source, text ? "message_text.rowid" : "m.cursor",
                    sql.toString(), values);
        }

        int bind(PreparedStatement statement, int first) throws SQLException {
            int index = first;
            for (Object value : values) {
                statement.setObject(index++, value);
            }
            return index;
        }

        /** Each word of the text as a prefix, all of them required: "conf tok" finds "confirm your token". */
        private static String match(String text) {
            StringBuilder match = new StringBuilder();
            for (String word : StoredRows.searchWords(text)) {
                match.append(match.length() == 0 ? "" : " ").append('"').append(word).append("\"*");
            }
            return match.length() == 0 ? "\"\"" : match.toString();
        }
    }
}
