package dev.smtplab.server.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The shared store's tables, versioned as SQLite's are. Instances that start together take turns:
 * the migration runs under an advisory lock, so only one of them applies it.
 */
final class PostgresSchema {
    /** The advisory lock under which the schema changes. */
    private static final long MIGRATION_LOCK = 0x534d54504c61624dL;

    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            // Numbers are handed out in blocks of 64, so an instance asks once per 64 messages, and
            // the ids of several instances never collide.
            "CREATE SEQUENCE message_number INCREMENT BY 64",
            "CREATE SEQUENCE session_number INCREMENT BY 64",
            // The cursor is given inside the writing transaction, under a lock held to its commit:
            // cursors become visible in order, so paging and waits never skip a message.
            "CREATE SEQUENCE message_cursor",
            "CREATE TABLE content (sha256 BYTEA PRIMARY KEY, data BYTEA NOT NULL, refs INTEGER NOT NULL)",
            """
            CREATE TABLE message (
                number BIGINT PRIMARY KEY,
                id TEXT NOT NULL,
                cursor BIGINT NOT NULL UNIQUE,
                written_by TEXT NOT NULL,
                session_id TEXT NOT NULL,
                connection_index BIGINT NOT NULL,
                transaction_index INTEGER NOT NULL,
                received_at BIGINT NOT NULL,
                client_address TEXT NOT NULL,
                client_port INTEGER NOT NULL,
                helo TEXT,
                mail_from TEXT NOT NULL,
                mail_parameters TEXT NOT NULL,
                recipients TEXT NOT NULL,
                to_text TEXT NOT NULL,
                subject TEXT,
                size INTEGER NOT NULL,
                tls_protocol TEXT,
                tls_cipher TEXT,
                auth_user TEXT,
                suspicious TEXT NOT NULL,
                inbox TEXT NOT NULL,
                search TSVECTOR NOT NULL,
                content_sha256 BYTEA NOT NULL REFERENCES content (sha256)
            )""",
            "CREATE INDEX message_search ON message USING GIN (search)",
            "CREATE INDEX message_inbox ON message (inbox, cursor)",
            "CREATE INDEX message_received ON message (received_at)",
            "CREATE TABLE session (number BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, snapshot TEXT NOT NULL)",
            // The failure scenario every instance follows, as a rules file.
            "CREATE TABLE scenario (id INTEGER PRIMARY KEY, rules TEXT NOT NULL, changed_by TEXT NOT NULL, "
                    + "version BIGINT NOT NULL)",
            // Greylisting's first sightings, so a retry that reaches another instance passes.
            "CREATE TABLE greylist (rule_id TEXT NOT NULL, key TEXT NOT NULL, first_seen BIGINT NOT NULL, "
                    + "PRIMARY KEY (rule_id, key))"),
            // Read and unread, as the web UI marks them, shared by every instance; mail stored before was
            // unread. The unread are counted on every inbox view: a partial index holds just them.
            List.of("ALTER TABLE message ADD COLUMN seen BOOLEAN NOT NULL DEFAULT FALSE",
                    "CREATE INDEX message_unread ON message (inbox, cursor) WHERE NOT seen"));

    static final int VERSION = MIGRATIONS.size();

    private PostgresSchema() {
    }

    /** Brings the database to {@link #VERSION}; fails on one written by a newer SMTP Lab. */
    static void migrate(Connection connection, String where) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version;
            try (ResultSet row = statement.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                row.next();
                version = row.getInt(1);
            }
            if (version > VERSION) {
                connection.rollback();
                throw new IllegalStateException("the store " + where + " was written by a newer SMTP Lab (schema "
                        + version + "; this one knows " + VERSION + "): use that version, or another database");
            }
            for (int next = version; next < VERSION; next++) {
                for (String sql : MIGRATIONS.get(next)) {
                    statement.execute(sql);
                }
                statement.execute("INSERT INTO schema_version (version) VALUES (" + (next + 1) + ")");
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
