package dev.smtplab.server.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's tables, versioned: each migration runs once, in order, and the file records the
 * version it reached, so a newer SMTP Lab upgrades an older file and an older one refuses a newer.
 */
final class SqliteSchema {
    /** Migration n brings the file from version n to n + 1. Append; never edit a released one. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            // Content once, however many messages carry the same bytes. Every index is a b-tree whose
            // pages each commit rewrites, so there are only those the queries need.
            "CREATE TABLE content (sha256 BLOB PRIMARY KEY, data BLOB NOT NULL, refs INTEGER NOT NULL) WITHOUT ROWID",
            """
            CREATE TABLE message (
                number INTEGER PRIMARY KEY,
                id TEXT NOT NULL,
                cursor INTEGER UNIQUE,
                session_id TEXT NOT NULL,
                connection_index INTEGER NOT NULL,
                transaction_index INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
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
                content_sha256 BLOB NOT NULL REFERENCES content (sha256)
            )""",
            // Full-text search over subject, addresses and the decoded text; rowid is message.number.
            "CREATE VIRTUAL TABLE message_text USING fts5(subject, addresses, body, content='', contentless_delete=1)",
            "CREATE TABLE session (number INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, snapshot TEXT NOT NULL)"),
            // Inboxes: mail stored before them was in the one inbox there was.
            List.of("ALTER TABLE message ADD COLUMN inbox TEXT NOT NULL DEFAULT 'default'",
                    "CREATE INDEX message_inbox ON message (inbox, cursor)"),
            // The journal (MessageJournal): every message up to this cursor is indexed, deleted ones too,
            // so that a record still in the journal after a crash is indexed once, and a deleted one not again.
            List.of("CREATE TABLE journal_state (indexed_up_to INTEGER NOT NULL)",
                    "INSERT INTO journal_state (indexed_up_to) SELECT coalesce(max(cursor), 0) FROM message",
                    // An open session's transcript in chunks, each written once, as it grows: rewriting the
                    // whole snapshot every few seconds was most of the writer's time under load.
                    """
                    CREATE TABLE session_lines (
                        session_number INTEGER NOT NULL,
                        first_line INTEGER NOT NULL,
                        lines TEXT NOT NULL,
                        PRIMARY KEY (session_number, first_line)
                    )""",
                    // Content in rowid order, found by a unique index on its hash: kept by its hash alone, each
                    // insert landed on a random page of a table of whole messages, which under load meant
                    // reading most of them back from the file.
                    "CREATE TABLE content_by_id (id INTEGER PRIMARY KEY, sha256 BLOB NOT NULL UNIQUE, "
                            + "data BLOB NOT NULL, refs INTEGER NOT NULL)",
                    "INSERT INTO content_by_id (sha256, data, refs) SELECT sha256, data, refs FROM content",
                    "DROP TABLE content",
                    "ALTER TABLE content_by_id RENAME TO content"),
            // Content found by a fingerprint (two CRCs) and then compared byte for byte, and messages pointing
            // at it by id: SHA-256 has no fast path in the JIT's first tier, which the launcher runs. Content
            // from before has no fingerprint: new messages are not matched against it.
            List.of("CREATE TABLE content_fingerprinted (id INTEGER PRIMARY KEY, fingerprint INTEGER, "
                            + "size INTEGER NOT NULL, data BLOB NOT NULL, refs INTEGER NOT NULL, sha256 BLOB)",
                    "INSERT INTO content_fingerprinted (id, size, data, refs, sha256) SELECT id, length(data), data, "
                            + "refs, sha256 FROM content",
                    """
                    CREATE TABLE message_by_content_id (
                        number INTEGER PRIMARY KEY,
                        id TEXT NOT NULL,
                        cursor INTEGER UNIQUE,
                        session_id TEXT NOT NULL,
                        connection_index INTEGER NOT NULL,
                        transaction_index INTEGER NOT NULL,
                        received_at INTEGER NOT NULL,
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
                        content_id INTEGER NOT NULL REFERENCES content (id),
                        inbox TEXT NOT NULL DEFAULT 'default'
                    )""",
                    """
                    INSERT INTO message_by_content_id (number, id, cursor, session_id, connection_index,
                        transaction_index, received_at, client_address, client_port, helo, mail_from, mail_parameters,
                        recipients, to_text, subject, size, tls_protocol, tls_cipher, auth_user, suspicious, content_id,
                        inbox)
                    SELECT m.number, m.id, m.cursor, m.session_id, m.connection_index, m.transaction_index,
                        m.received_at, m.client_address, m.client_port, m.helo, m.mail_from, m.mail_parameters,
                        m.recipients, m.to_text, m.subject, m.size, m.tls_protocol, m.tls_cipher, m.auth_user,
                        m.suspicious, c.id, m.inbox
                    FROM message m JOIN content_fingerprinted c ON c.sha256 = m.content_sha256""",
                    "DROP TABLE message",
                    "DROP TABLE content",
                    "ALTER TABLE content_fingerprinted DROP COLUMN sha256",
                    "ALTER TABLE content_fingerprinted RENAME TO content",
                    "ALTER TABLE message_by_content_id RENAME TO message",
                    "CREATE INDEX message_inbox ON message (inbox, cursor)",
                    "CREATE INDEX content_fingerprint ON content (fingerprint, size)"),
            // Read and unread, as the web UI marks them; mail stored before was unread. The unread are
            // counted on every inbox view: partial indexes hold just them, one for every inbox at once
            // and one for some (SQLite's planner takes neither for the other's query: a count of
            // 100,000 unread read the whole table, 37 ms against 8).
            List.of("ALTER TABLE message ADD COLUMN seen INTEGER NOT NULL DEFAULT 0",
                    "CREATE INDEX message_unread ON message (cursor) WHERE seen = 0",
                    "CREATE INDEX message_unread_inbox ON message (inbox, cursor) WHERE seen = 0"));

    static final int VERSION = MIGRATIONS.size();

    private SqliteSchema() {
    }

    /** Brings the file to {@link #VERSION}; fails on a file written by a newer SMTP Lab. */
    static void migrate(Connection connection, String file) throws SQLException {
        migrate(connection, file, VERSION);
    }

    /** Brings the file to this version at most: for tests that need a file as an older SMTP Lab left it. */
    static void migrate(Connection connection, String file, int upTo) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // A migration may rebuild a table others refer to; the references are checked once it is done.
            statement.execute("PRAGMA foreign_keys = OFF");
            statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version;
            try (ResultSet row = statement.executeQuery("SELECT max(version) FROM schema_version")) {
                version = row.next() ? row.getInt(1) : 0;
            }
            if (version > VERSION) {
                throw new IllegalStateException("the store " + file + " was written by a newer SMTP Lab (schema "
                        + version + "; this one knows " + VERSION + "): use that version, or another file");
            }
            for (int next = version; next < upTo; next++) {
                connection.setAutoCommit(false);
                try {
                    for (String sql : MIGRATIONS.get(next)) {
                        statement.execute(sql);
                    }
                    statement.execute("INSERT INTO schema_version (version) VALUES (" + (next + 1) + ")");
                    try (ResultSet broken = statement.executeQuery("PRAGMA foreign_key_check")) {
                        if (broken.next()) {
                            throw new SQLException("upgrading to schema " + (next + 1) + " left a row of "
                                    + broken.getString(1) + " without its " + broken.getString(3));
                        }
                    }
                    connection.commit();
                } catch (SQLException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            }
            statement.execute("PRAGMA foreign_keys = ON");
        }
    }
}
