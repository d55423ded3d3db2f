package dev.smtplab.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.smtplab.server.record.FirstSeenMemory;
import dev.smtplab.server.record.MessagePage;
import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.record.StoreUnavailableException;
import dev.smtplab.server.record.StoredMessage;
import dev.smtplab.server.scenario.RulesFile;
import dev.smtplab.server.scenario.RulesWriter;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.ScenarioHolder;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Messages and sessions in PostgreSQL, shared by several SMTP Lab instances (behind any TCP load
 * balancer): ids come from the database's sequences, so they never collide; a message is
 * committed before its 250; the instances hear of each other's mail and of failure-scenario
 * changes through LISTEN/NOTIFY; greylisting's first sightings are shared.
 *
 * <p>Writes go through one writer thread that commits what every session asks for in batches
 * (group commit), under a transaction-scoped advisory lock that every instance takes, so cursors
 * are given and committed in the same order: a reader never sees cursor 10 before 9.
 */
public final class PostgresMessageStore implements MessageStore, FirstSeenMemory, AutoCloseable {
    private static final long CURSOR_LOCK = 0x534d54504c616243L;
    private static final int BATCH = 256;
    private static final Duration WRITE_WAIT = Duration.ofSeconds(10);
    static final Duration EXPIRY_CHECK = Duration.ofSeconds(10);
    private static final Duration SESSION_FLUSH = Duration.ofMillis(250);
    /**
     * How often an open session's snapshot is written: every write is a new row version of the whole
     * transcript (PostgreSQL's MVCC), so a busy kept connection rewritten 4 times a second bloated the
     * table to 196 MB for 8 sessions in the benchmark. Ended sessions are written at once.
     */
    private static final Duration OPEN_SESSION_FLUSH = Duration.ofSeconds(5);
    static final String MESSAGE_CHANNEL = "smtplab_message";
    static final String SCENARIO_CHANNEL = "smtplab_scenario";

    private final String location;
    private final String jdbcUrl;
    private final Properties credentials;
    private final HikariDataSource pool;
    private final int maxMessages;
    private final int maxSessions;
    private final long maxBytes;
    private final Duration maxAge;
    private final Clock clock;
    /** Which instance wrote a row or sent a notification, so each can tell its own from the others'. */
    private final String instance = UUID.randomUUID().toString();

    private final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();
    private final StoreWaits waits = new StoreWaits(this);
    private final Thread writerThread;
    private final Thread listenerThread;
    /** Snapshots of this instance's sessions not written yet, by number. */
    private final Map<Long, RecordedSession> unwrittenSessions = new ConcurrentHashMap<>();
    private final List<Consumer<RecordedMessage>> remoteMessageListeners = new CopyOnWriteArrayList<>();
    private final List<ScenarioHolder> sharedScenarios = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> notices = new CopyOnWriteArrayList<>();
    /** Messages kept and not yet announced (addMessage): the server keeps each before its 250, then announces it. */
    private final Set<String> keptHere = ConcurrentHashMap.newKeySet();
    /** Set while a scenario heard from another instance is applied, so it is not sent back. */
    private final ThreadLocal<Boolean> applyingRemote = ThreadLocal.withInitial(() -> false);
    private volatile boolean closed;
    private long messageBlock;
    private long messageBlockLeft;
    private long sessionBlock;
    private long sessionBlockLeft;
    /** The highest cursor of another instance's message this one has told its listeners of. */
    private long remoteSeenUpTo;
    private volatile boolean listening;
    /** The version of the shared scenario this instance last published or applied. */
    private volatile long scenarioVersion;
    private long openSessionsWrittenAt = System.nanoTime();

    private record Write(List<Object[]> rows, CompletableFuture<Void> done) {
    }

    private PostgresMessageStore(String location, String jdbcUrl, Properties credentials, HikariDataSource pool,
                                 int maxMessages, int maxSessions, long maxBytes, Duration maxAge, Clock clock) {
        this.location = location;
        this.jdbcUrl = jdbcUrl;
        this.credentials = credentials;
        this.pool = pool;
        this.maxMessages = maxMessages;
        this.maxSessions = maxSessions;
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.clock = clock;
        this.writerThread = new Thread(this::writeLoop, "smtplab-postgres-writer");
        this.writerThread.setDaemon(true);
        this.listenerThread = new Thread(this::listenLoop, "smtplab-postgres-listener");
        this.listenerThread.setDaemon(true);
    }

    /**
     * Connects to {@code postgresql://[user[:password]@]host[:port]/database[?param=value...]} (or
     * {@code postgres://}), making or upgrading the tables.
     *
     * @throws IllegalArgumentException for a URL that is not one
     * @throws IllegalStateException    naming the database (never the password) and the problem:
     *                                  nothing answers, the login is refused, a schema from a newer SMTP Lab
     */
    public static PostgresMessageStore open(String url, int maxMessages, int maxSessions, long maxBytes,
                                            Duration maxAge, Clock clock) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--store " + redact(url) + ": not a URL such as "
                    + "postgresql://smtplab@127.0.0.1:5432/smtplab");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgresql") && !scheme.equals("postgres") || uri.getHost() == null
                || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("--store " + redact(url) + ": use postgresql://USER[:PASSWORD]@HOST"
                    + "[:PORT]/DATABASE");
        }
        Properties credentials = new Properties();
        String user = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            credentials.setProperty("user", user);
            if (parts.length == 2) {
                credentials.setProperty("password", URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
            }
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String database = uri.getPath().substring(1);
        String jdbcUrl = "jdbc:postgresql://" + (uri.getHost().contains(":") ? "[" + uri.getHost() + "]" : uri.getHost())
                + ":" + port + "/" + database + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String location = "postgresql://" + (user == null ? "" : user + "@") + uri.getHost() + ":" + port + "/" + database;
        // Fail in seconds, not in the driver's default of minutes, when the database is away.
        credentials.setProperty("connectTimeout", "3");
        credentials.setProperty("socketTimeout", "30");
        credentials.setProperty("ApplicationName", "SMTP Lab");
        try (Connection first = DriverManager.getConnection(jdbcUrl, credentials)) {
            PostgresSchema.migrate(first, location);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the store " + location + ": " + e.getMessage(), e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setDataSourceProperties(credentials);
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(2_000);
        config.setPoolName("smtplab-postgres");
        // The pool starts even while the database is away, and connects when it is back.
        config.setInitializationFailTimeout(-1);
        PostgresMessageStore store = new PostgresMessageStore(location, jdbcUrl, credentials,
                new HikariDataSource(config), maxMessages, maxSessions, maxBytes, maxAge, clock);
        store.remoteSeenUpTo = store.read(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT coalesce(max(cursor), 0) FROM message")) {
                row.next();
                return row.getLong(1);
            }
        });
        store.waits.takeAfter(store.remoteSeenUpTo);
        store.writerThread.start();
        store.listenerThread.start();
        return store;
    }

    /** Where it is, without the password: postgresql://user@host:port/database. */
    public String location() {
        return location;
    }

    private static String redact(String url) {
        return url.replaceAll("(://[^:/@]*):[^@/]*@", "$1:***@");
    }

    // ---- ids ----

    @Override
    public synchronized long newMessageNumber() {
        if (messageBlockLeft == 0) {
            messageBlock = nextFromSequence("message_number");
            messageBlockLeft = 64;
        }
        messageBlockLeft--;
        return messageBlock++;
    }

    @Override
    public synchronized long newSessionNumber() {
        if (sessionBlockLeft == 0) {
            sessionBlock = nextFromSequence("session_number");
            sessionBlockLeft = 64;
        }
        sessionBlockLeft--;
        return sessionBlock++;
    }

    private long nextFromSequence(String sequence) {
        return read(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT nextval('" + sequence + "')")) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    // ---- writing ----

    /** Commits the message (group commit); returns once it is in the database, and visible there. */
    @Override
    public void keep(RecordedMessage message) {
        if (closed) {
            throw new StoreUnavailableException("the store " + location + " is closed", null);
        }
        Write write = new Write(List.<Object[]>of(row(message)), new CompletableFuture<>());
        writes.add(write);
        try {
            write.done().get(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            keptHere.add(message.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while writing to " + location, e);
        } catch (ExecutionException e) {
            throw new StoreUnavailableException("cannot write to " + location + ": " + rootMessage(e.getCause()),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("cannot write to " + location + ": no answer within "
                    + WRITE_WAIT.toSeconds() + " s", e);
        }
    }

    /** Visible since its commit: here only the local waits are woken. A message never kept is kept first. */
    @Override
    public void addMessage(RecordedMessage message) {
        if (!keptHere.remove(message.id())) {
            keep(message);
            keptHere.remove(message.id());
        }
        wakeWaiters();
    }

    private Object[] row(RecordedMessage message) {
        byte[] data = message.data();
        String subject = message.subject().orElse(null);
        String addresses = message.mailFrom() + " " + String.join(" ", message.acceptedRecipients());
        return new Object[] {StoredRows.number(message.id()), message.id(), message.sessionId(),
                message.connectionIndex(), message.transactionIndex(), StoredRows.nanos(message.receivedAt()),
                message.clientAddress(), message.clientPort(), message.helo().orElse(null), message.mailFrom(),
                StoredRows.parametersJson(message.mailParameters()), StoredRows.recipientsJson(message.recipients()),
                String.join("\n", message.acceptedRecipients()).toLowerCase(Locale.ROOT), subject, data.length,
                message.tlsProtocol().orElse(null), message.tlsCipher().orElse(null), message.authUser().orElse(null),
                StoredRows.stringsJson(message.suspiciousEndOfData()), message.inbox(),
                searchable(subject == null ? "" : subject) + " " + searchable(addresses) + " "
                        + searchable(StoredRows.searchableBody(message)),
                StoredRows.sha256(data), data};
    }

    /** Words only, so the text search configuration reads every word and nothing else. */
    private static String searchable(String text) {
        return String.join(" ", StoredRows.searchWords(text.toLowerCase(Locale.ROOT)));
    }

    private void writeLoop() {
        List<Write> batch = new ArrayList<>();
        long nextHousekeeping = System.nanoTime();
        while (!closed || !writes.isEmpty()) {
            try {
                Write first = writes.poll(SESSION_FLUSH.toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    writes.drainTo(batch, BATCH - 1);
                }
            } catch (InterruptedException e) {
                break;
            }
            if (!batch.isEmpty()) {
                commit(batch);
                batch.clear();
            }
            flushSessions();
            if (System.nanoTime() >= nextHousekeeping) {
                nextHousekeeping = System.nanoTime() + EXPIRY_CHECK.toNanos();
                housekeeping();
            }
        }
    }

    private void commit(List<Write> batch) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT pg_advisory_xact_lock(" + CURSOR_LOCK + ")");
                }
                try (PreparedStatement content = connection.prepareStatement("INSERT INTO content (sha256, data, refs) "
                        + "VALUES (?, ?, 1) ON CONFLICT (sha256) DO UPDATE SET refs = content.refs + 1");
                     PreparedStatement message = connection.prepareStatement("INSERT INTO message (number, id, "
                             + "session_id, connection_index, transaction_index, received_at, client_address, "
                             + "client_port, helo, mail_from, mail_parameters, recipients, to_text, subject, size, "
                             + "tls_protocol, tls_cipher, auth_user, suspicious, inbox, search, content_sha256, cursor, "
                             + "written_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                             + "to_tsvector('simple', ?), ?, nextval('message_cursor'), ?)")) {
                    for (Write write : batch) {
                        for (Object[] row : write.rows()) {
                            content.setBytes(1, (byte[]) row[21]);
                            content.setBytes(2, (byte[]) row[22]);
                            content.addBatch();
                            for (int i = 0; i < 22; i++) {
                                message.setObject(i + 1, row[i]);
                            }
                            message.setString(23, instance);
                            message.addBatch();
                        }
                    }
                    content.executeBatch();
                    message.executeBatch();
                }
                try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                    notify.setString(1, MESSAGE_CHANNEL);
                    notify.setString(2, instance);
                    notify.execute();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
            batch.forEach(write -> write.done().complete(null));
        } catch (SQLException | RuntimeException e) {
            batch.forEach(write -> write.done().completeExceptionally(e));
        }
    }

    /**
     * Sessions are written behind, an ended one within a quarter second, an open one every 5 s: a
     * snapshot is not what a 250 promises, and a busy session is snapshot after every command.
     */
    @Override
    public void putSession(RecordedSession session) {
        unwrittenSessions.put(StoredRows.number(session.id()), session);
    }

    private void flushSessions() {
        flushSessions(false);
    }

    /** Writes the ended sessions, and the open ones too when their time has come (or {@code all}). */
    private void flushSessions(boolean all) {
        if (unwrittenSessions.isEmpty()) {
            return;
        }
        boolean openToo = all || System.nanoTime() - openSessionsWrittenAt >= OPEN_SESSION_FLUSH.toNanos();
        if (openToo) {
            openSessionsWrittenAt = System.nanoTime();
        }
        Map<Long, RecordedSession> taken = new java.util.TreeMap<>();
        for (Long number : List.copyOf(unwrittenSessions.keySet())) {
            RecordedSession waiting = unwrittenSessions.get(number);
            if (waiting == null || !openToo && waiting.outcome() == SessionOutcome.ACTIVE) {
                continue;
            }
            RecordedSession session = unwrittenSessions.remove(number);
            if (session != null) {
                taken.put(number, session);
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        try (Connection connection = pool.getConnection();
             PreparedStatement upsert = connection.prepareStatement("INSERT INTO session (number, id, snapshot) "
                     + "VALUES (?, ?, ?) ON CONFLICT (number) DO UPDATE SET snapshot = excluded.snapshot")) {
            for (Map.Entry<Long, RecordedSession> entry : taken.entrySet()) {
                upsert.setLong(1, entry.getKey());
                upsert.setString(2, entry.getValue().id());
                upsert.setString(3, StoredRows.write(entry.getValue()));
                upsert.addBatch();
            }
            upsert.executeBatch();
        } catch (SQLException | RuntimeException e) {
            // Tried again with the next flush, unless a newer snapshot has come meanwhile.
            taken.forEach(unwrittenSessions::putIfAbsent);
        }
        wakeWaiters();
    }

    /** The --max-* limits and --max-age: the oldest go, their content with them once nothing refers to it. */
    private void housekeeping() {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            if (maxAge != null) {
                deleteWhere(connection, "received_at < ?", StoredRows.nanos(clock.instant().minus(maxAge)));
            }
            try (ResultSet row = statement.executeQuery("SELECT cursor FROM message ORDER BY cursor DESC OFFSET "
                    + maxMessages + " LIMIT 1")) {
                if (row.next()) {
                    deleteWhere(connection, "cursor <= ?", row.getLong(1));
                }
            }
            try (ResultSet row = statement.executeQuery("SELECT cursor FROM (SELECT cursor, sum(size) OVER (ORDER BY "
                    + "cursor DESC) AS kept FROM message) t WHERE kept > " + maxBytes + " ORDER BY cursor DESC LIMIT 1")) {
                if (row.next()) {
                    deleteWhere(connection, "cursor <= ?", row.getLong(1));
                }
            }
            statement.execute("DELETE FROM session WHERE number NOT IN (SELECT number FROM session ORDER BY number "
                    + "DESC LIMIT " + maxSessions + ")");
            if (maxAge != null) {
                statement.execute("DELETE FROM greylist WHERE first_seen < "
                        + StoredRows.nanos(clock.instant().minus(Duration.ofDays(2))));
            }
        } catch (SQLException | RuntimeException e) {
            // The next round tries again.
        }
    }

    /** Deletes the messages that match, and content no message refers to any more; returns how many. */
    private int deleteWhere(Connection connection, String condition, Object... values) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("WITH gone AS (DELETE FROM message WHERE "
                + condition + " RETURNING content_sha256), counted AS (SELECT content_sha256, count(*) AS n FROM gone "
                + "GROUP BY content_sha256), released AS (UPDATE content SET refs = content.refs - counted.n FROM counted "
                + "WHERE content.sha256 = counted.content_sha256 RETURNING content.sha256, content.refs) "
                + "SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM released)")) {
            for (int i = 0; i < values.length; i++) {
                delete.setObject(i + 1, values[i]);
            }
            int deleted;
            try (ResultSet row = delete.executeQuery()) {
                row.next();
                deleted = row.getInt(1);
            }
            if (deleted > 0) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("DELETE FROM content WHERE refs <= 0");
                }
            }
            return deleted;
        }
    }

    // ---- the shared scenario and greylisting ----

    /**
     * Shares a failure scenario with every instance of this store: this instance's is published now
     * (the latest instance to start, or to change it, wins), and changes made on any instance apply
     * on all, heard within a second.
     */
    public void shareScenario(ScenarioHolder scenarios) {
        sharedScenarios.add(scenarios);
        scenarios.onChange(scenario -> {
            if (!applyingRemote.get()) {
                publish(scenario);
            }
        });
        publish(scenarios.get());
    }

    /**
     * Writes the scenario for the others; called inside the holder's change (under its lock), so
     * that {@link #adoptSharedScenario} never applies an older version over it.
     */
    private void publish(Scenario scenario) {
        String rules = RulesWriter.yaml(scenario);
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO scenario (id, rules, changed_by, "
                    + "version) VALUES (1, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, "
                    + "changed_by = excluded.changed_by, version = scenario.version + 1 RETURNING version");
                 PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                upsert.setString(1, rules);
                upsert.setString(2, instance);
                long version;
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    version = row.getLong(1);
                }
                notify.setString(1, SCENARIO_CHANNEL);
                notify.setString(2, instance);
                notify.execute();
                connection.commit();
                scenarioVersion = version;
            } catch (SQLException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot share the failure scenario through " + location + ": "
                    + e.getMessage(), e);
        }
    }

    /** Applies the shared scenario when another instance wrote a newer version than this one knows. */
    private void adoptSharedScenario() {
        if (sharedScenarios.isEmpty()) {
            return;
        }
        record Shared(String rules, long version) {
        }
        Shared shared = read(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT rules, version FROM scenario WHERE id = 1")) {
                return row.next() ? new Shared(row.getString(1), row.getLong(2)) : null;
            }
        });
        if (shared == null) {
            return;
        }
        Scenario scenario;
        try {
            scenario = RulesFile.parse(new StringReader(shared.rules()), "the shared scenario in " + location);
        } catch (IllegalArgumentException e) {
            // Written by another SMTP Lab version, say: this instance keeps its own, and says so once per version.
            if (shared.version() > scenarioVersion) {
                scenarioVersion = shared.version();
                notice("cannot follow the failure scenario another instance shared: " + e.getMessage()
                        + "; this instance keeps its own");
            }
            return;
        }
        applyingRemote.set(true);
        try {
            for (ScenarioHolder holder : sharedScenarios) {
                // Decided under the holder's lock, where publish runs too: a version published since
                // this one was read is newer, and stays.
                holder.update(current -> {
                    if (shared.version() <= scenarioVersion) {
                        return current;
                    }
                    scenarioVersion = shared.version();
                    return current.equals(scenario) ? current : scenario;
                });
            }
        } finally {
            applyingRemote.set(false);
        }
    }

    @Override
    public Optional<FirstSeenMemory> sharedFirstSeen() {
        return Optional.of(this);
    }

    @Override
    public Instant firstSeen(String ruleId, String key, Instant now, Duration keep) {
        long nowNanos = StoredRows.nanos(now);
        long staleBefore = StoredRows.nanos(now.minus(keep));
        return StoredRows.instant(read(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO greylist (rule_id, key, "
                    + "first_seen) VALUES (?, ?, ?) ON CONFLICT (rule_id, key) DO UPDATE SET first_seen = CASE WHEN "
                    + "greylist.first_seen < ? THEN excluded.first_seen ELSE greylist.first_seen END "
                    + "RETURNING first_seen")) {
                upsert.setString(1, ruleId);
                upsert.setString(2, key);
                upsert.setLong(3, nowNanos);
                upsert.setLong(4, staleBefore);
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        }));
    }

    // ---- hearing the other instances ----

    /** Called with each message another instance stores, on this store's listener thread. */
    public void onRemoteMessage(Consumer<RecordedMessage> listener) {
        remoteMessageListeners.add(listener);
    }

    /**
     * Called with one line when the database goes away and when it is back (the pool's own logging
     * is off: one clear message, not a stack trace per connection).
     */
    public void onNotice(Consumer<String> listener) {
        notices.add(listener);
    }

    private void notice(String line) {
        notices.forEach(listener -> listener.accept(line));
    }

    /** True while the listener connection is up: the other instances' mail and changes are heard. */
    public boolean listening() {
        return listening;
    }

    private void listenLoop() {
        boolean lost = false;
        while (!closed) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl, credentials)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + MESSAGE_CHANNEL);
                    statement.execute("LISTEN " + SCENARIO_CHANNEL);
                }
                listening = true;
                if (lost) {
                    lost = false;
                    notice("the store " + location + " is back: SMTP accepts mail again");
                }
                // What changed while it was not listening.
                adoptSharedScenario();
                tellRemoteMessages();
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] heard = notifications.getNotifications(500);
                    if (heard == null) {
                        continue;
                    }
                    boolean messages = false;
                    boolean scenario = false;
                    for (PGNotification notification : heard) {
                        if (instance.equals(notification.getParameter())) {
                            continue;
                        }
                        messages |= MESSAGE_CHANNEL.equals(notification.getName());
                        scenario |= SCENARIO_CHANNEL.equals(notification.getName());
                    }
                    if (scenario) {
                        adoptSharedScenario();
                    }
                    if (messages) {
                        tellRemoteMessages();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (!closed && !lost) {
                    lost = true;
                    notice("lost the store " + location + ": " + rootMessage(e) + "; SMTP answers 451 4.3.0 until it is "
                            + "back");
                }
                if (!closed) {
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
        listening = false;
    }

    /** Tells the listeners of every message other instances stored since the last time, in cursor order. */
    private void tellRemoteMessages() {
        wakeWaiters();
        while (true) {
            List<StoredMessage> found = select("SELECT * FROM message WHERE cursor > ? AND written_by <> ? "
                    + "ORDER BY cursor LIMIT 200", statement -> {
                statement.setLong(1, remoteSeenUpTo);
                statement.setString(2, instance);
            }, false);
            for (StoredMessage stored : found) {
                remoteSeenUpTo = Math.max(remoteSeenUpTo, stored.cursor());
                for (Consumer<RecordedMessage> listener : remoteMessageListeners) {
                    try {
                        listener.accept(stored.message());
                    } catch (RuntimeException e) {
                        // a live view must never stop the others
                    }
                }
            }
            if (found.size() < 200) {
                return;
            }
        }
    }

    // ---- reading ----

    @Override
    public List<RecordedMessage> messages() {
        return select("SELECT * FROM message ORDER BY cursor", statement -> { }, false).stream()
                .map(StoredMessage::message).toList();
    }

    @Override
    public Optional<RecordedMessage> message(String id) {
        return select("SELECT * FROM message WHERE number = ? AND id = ?", statement -> {
            statement.setLong(1, StoredRows.number(id));
            statement.setString(2, id);
        }, false).stream().findFirst().map(StoredMessage::message);
    }

    @Override
    public List<RecordedSession> sessions() {
        Map<Long, RecordedSession> stored = read(connection -> {
            Map<Long, RecordedSession> rows = new java.util.TreeMap<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT number, snapshot FROM session "
                    + "ORDER BY number DESC LIMIT ?")) {
                statement.setInt(1, maxSessions);
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        rows.put(row.getLong(1), readSession(row.getString(2)));
                    }
                }
            }
            return rows;
        });
        Map<Long, RecordedSession> found = new java.util.TreeMap<>(stored);
        found.putAll(unwrittenSessions);
        return List.copyOf(found.values());
    }

    @Override
    public Optional<RecordedSession> session(String id) {
        RecordedSession unwritten = unwrittenSessions.get(StoredRows.number(id));
        if (unwritten != null) {
            return Optional.of(unwritten);
        }
        return Optional.ofNullable(read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT snapshot FROM session WHERE id = ?")) {
                statement.setString(1, id);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? readSession(row.getString(1)) : null;
                }
            }
        }));
    }

    private RecordedSession readSession(String snapshot) throws SQLException {
        try {
            return StoredRows.json().readValue(snapshot, RecordedSession.class);
        } catch (IOException e) {
            throw new SQLException("a session cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public List<RecordedMessage> messagesOfSession(String sessionId) {
        return select("SELECT * FROM message WHERE session_id = ? ORDER BY cursor",
                statement -> statement.setString(1, sessionId), false).stream().map(StoredMessage::message).toList();
    }

    @Override
    public boolean deleteMessage(String id) {
        return write(connection -> deleteWhere(connection, "number = ? AND id = ?", StoredRows.number(id), id)) > 0;
    }

    @Override
    public MessagePage page(MessageQuery query, long before, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least 1 message, not " + limit);
        }
        Where where = Where.of(query);
        List<StoredMessage> found = select("SELECT * FROM message m WHERE cursor < ?" + where.sql()
                + " ORDER BY cursor DESC LIMIT ?", statement -> {
            statement.setLong(1, before);
            int next = where.bind(statement, 2);
            statement.setInt(next, limit + 1);
        }, true);
        OptionalLong nextBefore = found.size() > limit ? OptionalLong.of(found.get(limit - 1).cursor())
                : OptionalLong.empty();
        return new MessagePage(found.subList(0, Math.min(limit, found.size())), count(query), nextBefore);
    }

    @Override
    public int count(MessageQuery query) {
        Where where = Where.of(query);
        return read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM message m WHERE TRUE"
                    + where.sql())) {
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
        String condition = "TRUE" + where.sql().replace("m.", "");
        return write(connection -> deleteWhere(connection, condition, where.values().toArray()));
    }

    @Override
    public Optional<StoredMessage> firstAfter(long cursor, MessageQuery query) {
        Where where = Where.of(query);
        return select("SELECT * FROM message m WHERE cursor > ?" + where.sql() + " ORDER BY cursor LIMIT 1",
                statement -> {
                    statement.setLong(1, cursor);
                    where.bind(statement, 2);
                }, false).stream().findFirst();
    }

    @Override
    public OptionalLong cursorOf(String id) {
        return read(connection -> StoredRows.column(connection, id, "cursor", "", row -> OptionalLong.of(row.getLong(1)),
                OptionalLong.empty()));
    }

    @Override
    public boolean markRead(String id, boolean read) {
        return write(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE message SET seen = ? "
                    + "WHERE number = ? AND id = ?")) {
                statement.setBoolean(1, read);
                statement.setLong(2, StoredRows.number(id));
                statement.setString(3, id);
                return statement.executeUpdate();
            }
        }) > 0;
    }

    @Override
    public int markRead(MessageQuery query, boolean read) {
        Where where = Where.of(query.withRead(!read));
        return write(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE message m SET seen = ? WHERE TRUE"
                    + where.sql())) {
                statement.setBoolean(1, read);
                where.bind(statement, 2);
                return statement.executeUpdate();
            }
        });
    }

    @Override
    public boolean isRead(String id) {
        return read(connection -> StoredRows.column(connection, id, "seen", "", row -> row.getBoolean(1), false));
    }

    @Override
    public void clear() {
        write(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("DELETE FROM message");
                statement.execute("DELETE FROM content");
                statement.execute("DELETE FROM session");
            }
            return 0;
        });
        unwrittenSessions.clear();
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

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T read(Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    /** A change outside the writer's batches, in a transaction of its own; the waits are woken after. */
    private <T> T write(Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot write to " + location + ": " + e.getMessage(), e);
        } finally {
            wakeWaiters();
        }
    }

    /** The rows a query chose (every column of message, aliased m), with their content, in the order asked. */
    private List<StoredMessage> select(String chosen, Binder binder, boolean newestFirst) {
        return read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + StoredRows.COLUMNS + " FROM ("
                    + chosen + ") m JOIN content c ON c.sha256 = m.content_sha256 ORDER BY m.cursor"
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

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; so is the transaction
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** Ends the writer (after what is queued), the listener and the pool; sessions still unwritten are written. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writerThread.join(WRITE_WAIT.toMillis());
            listenerThread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // At a clean stop every session has ended: whatever is unwritten is written now.
        flushSessions(true);
        pool.close();
    }

    /** A query's conditions as SQL over message (aliased m), with the values to bind in order. */
    private record Where(String sql, List<Object> values) {
        static Where of(MessageQuery query) {
            StringBuilder sql = new StringBuilder();
            List<Object> values = new ArrayList<>();
            if (query.text() != null) {
                List<String> words = StoredRows.searchWords(query.text());
                if (words.isEmpty()) {
                    sql.append(" AND FALSE");
                } else {
                    sql.append(" AND m.search @@ to_tsquery('simple', ?)");
                    values.add(String.join(" & ", words.stream().map(word -> "'" + word.replace("'", "''")
                            + "':*").toList()));
                }
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
                sql.append(query.inboxes().isEmpty() ? " AND FALSE" : " AND m.inbox IN ("
                        + String.join(", ", Collections.nCopies(query.inboxes().size(), "?")) + ")");
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
                values.add(query.read());
            }
            return new Where(sql.toString(), values);
        }

        int bind(PreparedStatement statement, int first) throws SQLException {
            int index = first;
            for (Object value : values) {
                statement.setObject(index++, value);
            }
            return index;
        }
    }
}
