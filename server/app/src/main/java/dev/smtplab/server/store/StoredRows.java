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

    /** Reads what a lookup found from its row. */
    interface ColumnReader<T> {
        T read(java.sql.ResultSet row) throws java.sql.SQLException;
    }

    /**
     * One column of the message with this id, as both stores look one up (its number and its id
     * must match): {@code found} reads it, {@code missing} stands for no such message.
     *
     * @param visible more of the condition, such as a store's cursors not yet visible; empty for none
     */
    static <T> T column(java.sql.Connection connection, String id, String column, String visible,
                        ColumnReader<T> found, T missing) throws java.sql.SQLException {
        try (java.sql.PreparedStatement statement = connection.prepareStatement("SELECT " + column
                + " FROM message WHERE number = ? AND id = ?" + visible)) {
            statement.setLong(1, number(id));
            statement.setString(2, id);
            try (java.sql.ResultSet row = statement.executeQuery()) {
                return row.next() ? found.read(row) : missing;
            }
        }
    }

    static long nanos(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static final MessageDigest SHA_256 = sha256Digest();

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        MessageDigest digest;
        try {
            digest = (MessageDigest) SHA_256.clone(); // cheaper than a provider lookup per message
        } catch (CloneNotSupportedException e) {
            digest = sha256Digest();
        }
        return digest.digest(data);
    }

    /**
     * What the SQLite store finds identical content by, before comparing the bytes themselves: a
     * CRC-32C and a CRC-32 of them, both computed by the CPU's own instructions in every tier of the
     * JIT (SHA-256 is pure Java in the first tier, which the launcher runs the server in).
     */
    static long fingerprint(byte[] data) {
        java.util.zip.CRC32C castagnoli = new java.util.zip.CRC32C();
        castagnoli.update(data);
        java.util.zip.CRC32 ieee = new java.util.zip.CRC32();
        ieee.update(data);
        return castagnoli.getValue() << 32 | ieee.getValue();
    }

    // The envelope's parts as the JSON Jackson writes for them, written by hand: per message, Jackson
    // was a tenth of the SQLite store's writer in the profile. EnvelopeJsonTest compares the two.

    /** MAIL FROM's or a recipient's parameters as a JSON object. */
    static String parametersJson(java.util.Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return "{}";
        }
        StringBuilder json = new StringBuilder(32 * parameters.size());
        appendParameters(json, parameters);
        return json.toString();
    }

    /** The recipients as a JSON array of {address, parameters, replyCode, reply}. */
    static String recipientsJson(java.util.List<dev.smtplab.server.record.Recipient> recipients) {
        StringBuilder json = new StringBuilder(96 * recipients.size() + 2).append('[');
        for (dev.smtplab.server.record.Recipient recipient : recipients) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"address\":");
            appendString(json, recipient.address());
            json.append(",\"parameters\":");
            appendParameters(json, recipient.parameters());
            json.append(",\"replyCode\":").append(recipient.replyCode()).append(",\"reply\":");
            appendString(json, recipient.reply());
            json.append('}');
        }
        return json.append(']').toString();
    }

    /** A list of strings as a JSON array. */
    static String stringsJson(java.util.List<String> strings) {
        if (strings.isEmpty()) {
            return "[]";
        }
        StringBuilder json = new StringBuilder().append('[');
        for (String string : strings) {
            if (json.length() > 1) {
                json.append(',');
            }
            appendString(json, string);
        }
        return json.append(']').toString();
    }

    private static void appendParameters(StringBuilder json, java.util.Map<String, String> parameters) {
        json.append('{');
        boolean first = true;
        for (java.util.Map.Entry<String, String> parameter : parameters.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            appendString(json, parameter.getKey());
            json.append(':');
            if (parameter.getValue() == null) {
                json.append("null");
            } else {
                appendString(json, parameter.getValue());
            }
        }
        json.append('}');
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** A JSON string, escaped as Jackson escapes it: quote, backslash and control characters. */
    private static void appendString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c >= 0x20) {
                json.append(c);
            } else {
                switch (c) {
                    case '\b' -> json.append("\\b");
                    case '\t' -> json.append("\\t");
                    case '\n' -> json.append("\\n");
                    case '\f' -> json.append("\\f");
                    case '\r' -> json.append("\\r");
                    default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                }
            }
        }
        json.append('"');
    }

    /** What both stores select of a message (aliased m) and its content (c), in the order {@link #message} reads. */
    static final String COLUMNS = "m.number, m.id, m.cursor, m.session_id, m.connection_index, "
            + "m.transaction_index, m.received_at, m.client_address, m.client_port, m.helo, m.mail_from, "
            + "m.mail_parameters, m.recipients, m.tls_protocol, m.tls_cipher, m.auth_user, m.suspicious, c.data, m.inbox, "
            + "m.seen";

    /** A message and its read mark from a row of {@link #COLUMNS}. */
    static dev.smtplab.server.record.StoredMessage stored(java.sql.ResultSet row) throws java.sql.SQLException {
        return new dev.smtplab.server.record.StoredMessage(row.getLong(3), message(row), row.getBoolean(20));
    }

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
