package dev.smtplab.server.store;

import dev.smtplab.server.record.MessageParts;
import dev.smtplab.server.record.RecordedMessage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/** What the durable stores (SQLite, PostgreSQL) write the same way: numbers, times, hashes, searchable text. */
final class StoredRows {
    private StoredRows() {
    }

    /** Made when first used: Jackson and its time module take a tenth of a second to set up. */
    private static final class Json {
        static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper()
                .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // A snapshot holds derived properties too (Rejection's "transient"), and one written
                // by another SMTP Lab version fields this one does not know: neither may make the
                // store unreadable.
                .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** The JSON of stored envelopes and session snapshots. */
    static com.fasterxml.jackson.databind.ObjectMapper json() {
        return Json.MAPPER;
    }

    /**
     * Sets Jackson up on a thread of its own, so that neither the start nor the first message waits
     * for it (the start does not need it for an empty store).
     */
    static void warmUpJson() {
        Thread warm = new Thread(StoredRows::json, "smtplab-json-warm-up");
        warm.setDaemon(true);
        warm.start();
    }

    /** What full-text search reads: the decoded text body, or the HTML's, or the raw content; at most 64 KB. */
    static String searchableBody(RecordedMessage message) {
        MessageParts parts = MessageParts.of(message);
        String body = parts.text().or(parts::html).orElseGet(message::dataAsString);
        return body.length() > 65_536 ? body.substring(0, 65_536) : body;
    }

    /** Ids are numbers in text ("42"); one that is not is kept apart from them, after every number. */
    static long number(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE / 2 + (id.hashCode() & 0x7fffffffL);
        }
    }

    static long nanos(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What both stores select of a message (aliased m) and its content (c), in the order {@link #message} reads. */
    static final String COLUMNS = "m.number, m.id, m.cursor, m.session_id, m.connection_index, "
            + "m.transaction_index, m.received_at, m.client_address, m.client_port, m.helo, m.mail_from, "
            + "m.mail_parameters, m.recipients, m.tls_protocol, m.tls_cipher, m.auth_user, m.suspicious, c.data, m.inbox";

    /** A message from a row of {@link #COLUMNS}. */
    static RecordedMessage message(java.sql.ResultSet row) throws java.sql.SQLException {
        try {
            java.util.Map<String, String> parameters = json().readValue(row.getString(12),
                    new com.fasterxml.jackson.core.type.TypeReference<>() { });
            java.util.List<dev.smtplab.server.record.Recipient> recipients = json().readValue(row.getString(13),
                    new com.fasterxml.jackson.core.type.TypeReference<>() { });
            java.util.List<String> suspicious = json().readValue(row.getString(17),
                    new com.fasterxml.jackson.core.type.TypeReference<>() { });
            return new RecordedMessage(row.getString(2), row.getString(4), row.getLong(5), row.getInt(6),
                    instant(row.getLong(7)), row.getString(8), row.getInt(9), row.getString(10), row.getString(11),
                    parameters, recipients, row.getBytes(18), row.getString(14), row.getString(15),
                    row.getString(16), suspicious, row.getString(19));
        } catch (java.io.IOException e) {
            throw new java.sql.SQLException("message " + row.getString(2) + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** A value as the JSON the tables hold. */
    static String write(Object value) {
        try {
            return json().writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A LIKE pattern that finds the (already lower-case) part anywhere, its wildcards escaped with '\'. */
    static String like(String part) {
        return "%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** Each word of the text as a prefix, all of them required: "conf tok" finds "confirm your token". */
    static java.util.List<String> searchWords(String text) {
        java.util.List<String> words = new java.util.ArrayList<>();
        for (String word : text.split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }
}
