package dev.smtplab.server.store;

import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.SessionOutcome;
import dev.smtplab.server.record.TranscriptLine;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The SQLite store's sessions on disk, written behind: a session's row holds all but its
 * transcript, whose lines go to {@code session_lines} in chunks, each line once, as the session
 * grows (rewriting a busy kept connection's whole snapshot every few seconds was most of the
 * writer's time under load). Sessions change on their own threads ({@link #changed}); everything
 * else runs on the store's writer thread, inside its transaction, and learns whether it committed.
 */
final class SessionRows {
    private final Map<Long, RecordedSession> unwritten = new ConcurrentHashMap<>();
    private final AtomicBoolean endedDue = new AtomicBoolean();
    // The writer thread's alone: transcript lines of each open session already written, and what the
    // transaction in progress wrote (applied once it commits, given back if it fails).
    private final Map<Long, Integer> linesWritten = new HashMap<>();
    private final Map<Long, RecordedSession> inTransaction = new HashMap<>();
    private long keptFrom;

    /** A session changed: it is written at the next flush, at once when it has ended. */
    void changed(long number, RecordedSession session) {
        unwritten.put(number, session);
        if (session.outcome() != SessionOutcome.ACTIVE) {
            endedDue.set(true);
        }
    }

    /** True once after a session ended. */
    boolean takeEndedDue() {
        return endedDue.getAndSet(false);
    }

    boolean anyUnwritten() {
        return !unwritten.isEmpty();
    }

    /**
     * Writes the ended sessions changed since the last time, and the open ones too with {@code open};
     * then deletes the sessions older than {@code oldestKept} (the oldest the store still holds).
     */
    void write(Connection connection, boolean open, Long oldestKept) throws SQLException {
        if (!unwritten.isEmpty()) {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO session (number, id, snapshot) "
                    + "VALUES (?, ?, ?) ON CONFLICT (number) DO UPDATE SET snapshot = excluded.snapshot");
                 PreparedStatement chunk = connection.prepareStatement("INSERT OR REPLACE INTO session_lines "
                         + "(session_number, first_line, lines) VALUES (?, ?, ?)")) {
                for (Long number : List.copyOf(unwritten.keySet())) {
                    RecordedSession waiting = unwritten.get(number);
                    if (waiting == null || !open && waiting.outcome() == SessionOutcome.ACTIVE) {
                        continue;
                    }
                    RecordedSession session = unwritten.remove(number);
                    if (session != null) {
                        inTransaction.put(number, session);
                        writeOne(upsert, chunk, number, session);
                    }
                }
            }
        }
        if (oldestKept != null && oldestKept > keptFrom) {
            try (PreparedStatement forget = connection.prepareStatement("DELETE FROM session WHERE number < ?");
                 PreparedStatement forgetLines = connection.prepareStatement("DELETE FROM session_lines "
                         + "WHERE session_number < ?")) {
                forget.setLong(1, oldestKept);
                forget.executeUpdate();
                forgetLines.setLong(1, oldestKept);
                forgetLines.executeUpdate();
            }
            keptFrom = oldestKept;
        }
    }

    private void writeOne(PreparedStatement upsert, PreparedStatement chunk, long number, RecordedSession session)
            throws SQLException {
        List<TranscriptLine> transcript = session.transcript();
        int written = Math.min(linesWritten.getOrDefault(number, 0), transcript.size());
        try {
            if (transcript.size() > written) {
                chunk.setLong(1, number);
                chunk.setInt(2, written);
                chunk.setString(3, StoredRows.json().writeValueAsString(transcript.subList(written, transcript.size())));
                chunk.executeUpdate();
            }
            upsert.setLong(1, number);
            upsert.setString(2, session.id());
            upsert.setString(3, StoredRows.json().writeValueAsString(session.withTranscript(List.of())));
        } catch (IOException e) {
            throw new SQLException("session " + session.id() + " cannot be written: " + e.getMessage(), e);
        }
        upsert.executeUpdate();
    }

    /** The transaction committed: its sessions are written up to their last line; an ended one is done with. */
    void committed() {
        inTransaction.forEach((number, session) -> {
            if (session.outcome() == SessionOutcome.ACTIVE) {
                linesWritten.put(number, session.transcript().size());
            } else {
                linesWritten.remove(number);
            }
        });
        inTransaction.clear();
        linesWritten.keySet().removeIf(number -> number < keptFrom);
    }

    /** The transaction failed: its sessions are to be written again, unless they changed since. */
    void rolledBack() {
        inTransaction.forEach(unwritten::putIfAbsent);
        inTransaction.clear();
    }

    /** Every session was deleted (the store was cleared): nothing of them is written any more. */
    void forgetWritten() {
        linesWritten.clear();
    }

    /**
     * The newest {@code max} sessions in the file, by number, with their transcripts put back
     * together; a session written before transcripts were kept apart has its lines in its snapshot.
     */
    static Map<Long, RecordedSession> read(Connection connection, int max) throws SQLException {
        Map<Long, RecordedSession> sessions = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT number, snapshot FROM (SELECT number, snapshot FROM "
                     + "session ORDER BY number DESC LIMIT " + max + ") ORDER BY number");
             PreparedStatement chunks = connection.prepareStatement("SELECT lines FROM session_lines "
                     + "WHERE session_number = ? ORDER BY first_line")) {
            while (rows.next()) {
                long number = rows.getLong(1);
                RecordedSession session = StoredRows.json().readValue(rows.getString(2), RecordedSession.class);
                List<TranscriptLine> transcript = new ArrayList<>();
                chunks.setLong(1, number);
                try (ResultSet chunk = chunks.executeQuery()) {
                    while (chunk.next()) {
                        transcript.addAll(StoredRows.json().readValue(chunk.getString(1),
                                new com.fasterxml.jackson.core.type.TypeReference<List<TranscriptLine>>() { }));
                    }
                }
                sessions.put(number, transcript.isEmpty() ? session : session.withTranscript(transcript));
            }
        } catch (IOException e) {
            throw new SQLException("a session in the store cannot be read: " + e.getMessage(), e);
        }
        return sessions;
    }
}
