package dev.smtplab.server.store;

import dev.smtplab.server.record.Recipient;
import dev.smtplab.server.record.RecordedMessage;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The messages the SQLite store has answered 250 for and not yet indexed, in append-only files in
 * a folder beside the database ({@code smtplab.db.incoming}). A message's 250 waits for one write of
 * its record here, not for the database's commit: written, the record is in the kernel's hands and
 * outlives the SMTP Lab process being killed (as a WAL commit with {@code synchronous=NORMAL} does),
 * and the store indexes it into the database behind, in large transactions. At the next start the
 * records not yet indexed are indexed first.
 *
 * <p>A record: a magic number, the payload's length and CRC-32, then the payload (the cursor, then
 * the message). A record cut short by a kill, or damaged, ends the reading of its file. A write
 * that fails (a full disk) is cut off again, so the file stays readable. Files are named by the
 * first cursor they hold; a new one starts past {@link #SEGMENT_BYTES}, and a file goes once
 * everything in it is indexed.
 */
final class MessageJournal implements AutoCloseable {
    private static final int MAGIC = 0x534c4a31; // "SLJ1"
    private static final int HEADER = 12;
    static final long SEGMENT_BYTES = 16L << 20;

    /** A message read back from the files, with the cursor it was given. */
    record Entry(long cursor, RecordedMessage message) {
    }

    private record Segment(Path path, long lastCursor) {
    }

    /**
     * What the files hold: the whole records, and how many bytes after them were not one (a write
     * cut short by a kill, or damage).
     */
    record Contents(List<Entry> entries, long skippedBytes) {
    }

    private final Path folder;
    private final List<Segment> full = new ArrayList<>();
    private FileChannel current;
    private Path currentPath;
    private long currentLast;
    /** The current file's length, kept here: asking the file system is a system call per message. */
    private long currentSize;
    /** For tests of a full disk: a write that would make the current file longer than this fails. */
    private long capBytes = Long.MAX_VALUE;

    private MessageJournal(Path folder) {
        this.folder = folder;
    }

    /** The folder of the journal of this database file. */
    static Path folderOf(Path database) {
        return database.resolveSibling(database.getFileName() + ".incoming");
    }

    /** Opens the folder, made if missing; {@link #entries()} then gives what it holds. */
    static MessageJournal open(Path folder) throws IOException {
        Files.createDirectories(folder);
        return new MessageJournal(folder);
    }

    /** Every record in the files, in order, up to the first one cut short or damaged in each. */
    synchronized Contents contents() throws IOException {
        List<Entry> entries = new ArrayList<>();
        long skipped = 0;
        for (Path file : files()) {
            skipped += read(file, entries);
        }
        return new Contents(entries, skipped);
    }

    /** Deletes every file: for after their records have been indexed. */
    synchronized void deleteAll() throws IOException {
        closeCurrent();
        for (Path file : files()) {
            Files.delete(file);
        }
        full.clear();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> listed = Files.list(folder)) {
            return listed.filter(file -> file.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }

    /**
     * The record of a message with these bytes (its {@code data()}, passed in so that a caller that
     * has them does not copy them again), all but its cursor: made on the session's own thread,
     * outside any lock, with no JSON (the store makes that when it indexes the message).
     */
    static byte[] record(RecordedMessage message, byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length + 512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, message.id());
            writeString(out, message.sessionId());
            out.writeLong(message.connectionIndex());
            out.writeInt(message.transactionIndex());
            out.writeLong(StoredRows.nanos(message.receivedAt()));
            writeString(out, message.clientAddress());
            out.writeInt(message.clientPort());
            writeString(out, message.helo().orElse(null));
            writeString(out, message.mailFrom());
            writeMap(out, message.mailParameters());
            out.writeInt(message.recipients().size());
            for (Recipient recipient : message.recipients()) {
                writeString(out, recipient.address());
                writeMap(out, recipient.parameters());
                out.writeInt(recipient.replyCode());
                writeString(out, recipient.reply());
            }
            writeString(out, message.tlsProtocol().orElse(null));
            writeString(out, message.tlsCipher().orElse(null));
            writeString(out, message.authUser().orElse(null));
            out.writeInt(message.suspiciousEndOfData().size());
            for (String suspicious : message.suspiciousEndOfData()) {
                writeString(out, suspicious);
            }
            writeString(out, message.inbox());
            out.writeInt(data.length);
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array
        }
        return bytes.toByteArray();
    }

    /**
     * Appends a record made by {@link #record} with its cursor, in one write; cursors must come in
     * order. A failed write leaves the file as it was.
     */
    synchronized void append(long cursor, byte[] record) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER + Long.BYTES);
        CRC32 crc = new CRC32();
        ByteBuffer cursorBytes = ByteBuffer.allocate(Long.BYTES).putLong(0, cursor);
        crc.update(cursorBytes);
        crc.update(record);
        header.putInt(MAGIC).putInt(Long.BYTES + record.length).putInt((int) crc.getValue()).putLong(cursor).flip();
        if (current == null || currentSize >= SEGMENT_BYTES) {
            startSegment(cursor);
        }
        long before = currentSize;
        ByteBuffer[] buffers = {header, ByteBuffer.wrap(record)};
        try {
            if (before + header.remaining() + record.length > capBytes) {
                throw new IOException("No space left on device (the journal is capped at " + capBytes + " bytes)");
            }
            while (buffers[1].hasRemaining()) {
                current.write(buffers);
            }
        } catch (IOException e) {
            try {
                current.truncate(before);
            } catch (IOException truncating) {
                closeCurrent(); // the next record starts a file of its own, and reading stops at this one's tail
            }
            throw e;
        }
        currentLast = cursor;
        currentSize = before + HEADER + Long.BYTES + record.length;
    }

    private void startSegment(long firstCursor) throws IOException {
        if (current != null) {
            full.add(new Segment(currentPath, currentLast));
            current.close();
        }
        currentPath = folder.resolve(String.format("%020d.log", firstCursor));
        current = FileChannel.open(currentPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        currentSize = current.size();
    }

    /**
     * Everything up to this cursor is indexed: the files holding only such records go, and the
     * current one is emptied when all it holds is.
     */
    synchronized void indexedUpTo(long cursor) throws IOException {
        while (!full.isEmpty() && full.get(0).lastCursor() <= cursor) {
            Files.deleteIfExists(full.remove(0).path());
        }
        if (current != null && currentLast <= cursor && currentSize > 0) {
            current.truncate(0);
            currentSize = 0;
        }
    }

    /** For tests: the current file cannot grow past this many bytes, as on a full disk (0 lifts the cap). */
    synchronized void cap(long bytes) {
        capBytes = bytes > 0 ? bytes : Long.MAX_VALUE;
    }

    /** Bytes in the files now. */
    synchronized long bytes() throws IOException {
        long total = 0;
        for (Path file : files()) {
            total += Files.size(file);
        }
        return total;
    }

    @Override
    public synchronized void close() throws IOException {
        closeCurrent();
    }

    private void closeCurrent() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    // ---- reading back ----

    /** Adds the file's whole records to the list; returns the bytes after the last one. */
    private static long read(Path file, List<Entry> entries) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.remaining() >= HEADER) {
            int start = buffer.position();
            int magic = buffer.getInt();
            int length = buffer.getInt();
            int crc = buffer.getInt();
            if (magic != MAGIC || length < Long.BYTES || length > buffer.remaining()) {
                return bytes.length - start; // cut short by a kill in the middle of a write, or not ours
            }
            CRC32 check = new CRC32();
            check.update(bytes, buffer.position(), length);
            if ((int) check.getValue() != crc) {
                return bytes.length - start;
            }
            long cursor = buffer.getLong();
            byte[] record = new byte[length - Long.BYTES];
            buffer.get(record);
            entries.add(new Entry(cursor, message(record)));
        }
        return buffer.remaining();
    }

    private static RecordedMessage message(byte[] record) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(record))) {
            String id = readString(in);
            String sessionId = readString(in);
            long connectionIndex = in.readLong();
            int transactionIndex = in.readInt();
            Instant receivedAt = StoredRows.instant(in.readLong());
            String clientAddress = readString(in);
            int clientPort = in.readInt();
            String helo = readString(in);
            String mailFrom = readString(in);
            Map<String, String> parameters = readMap(in);
            int recipientCount = in.readInt();
            List<Recipient> recipients = new ArrayList<>(recipientCount);
            for (int i = 0; i < recipientCount; i++) {
                recipients.add(new Recipient(readString(in), readMap(in), in.readInt(), readString(in)));
            }
            String tlsProtocol = readString(in);
            String tlsCipher = readString(in);
            String authUser = readString(in);
            int suspiciousCount = in.readInt();
            List<String> suspicious = new ArrayList<>(suspiciousCount);
            for (int i = 0; i < suspiciousCount; i++) {
                suspicious.add(readString(in));
            }
            String inbox = readString(in);
            byte[] data = new byte[in.readInt()];
            in.readFully(data);
            return new RecordedMessage(id, sessionId, connectionIndex, transactionIndex, receivedAt, clientAddress,
                    clientPort, helo, mailFrom, parameters, recipients, data, tlsProtocol, tlsCipher, authUser,
                    suspicious, inbox);
        } catch (EOFException | RuntimeException e) {
            throw new IOException("a record of the journal cannot be read: " + e, e);
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> entry : map.entrySet()) {
            writeString(out, entry.getKey());
            writeString(out, entry.getValue());
        }
    }

    private static Map<String, String> readMap(DataInputStream in) throws IOException {
        int size = in.readInt();
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }
}
