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
