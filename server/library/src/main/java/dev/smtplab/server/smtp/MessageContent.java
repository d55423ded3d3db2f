package dev.smtplab.server.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one message's content to its end, keeping it only while it stays within the size limit
 * and the {@link DataBudget}: past either, what was kept is let go and the rest is read and
 * discarded (what is left in the socket would otherwise be read as commands), so an oversized or
 * unaffordable message costs no more memory than the chunk being read.
 */
final class MessageContent implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;

    enum Refusal { TOO_BIG, NO_MEMORY }

    private final DataBudget budget;
    private final int maxSize;
    private List<byte[]> chunks = new ArrayList<>();
    private long taken;
    private long total;
    private Refusal refusal;

    MessageContent(DataBudget budget, int maxSize) {
        this.budget = budget;
        this.maxSize = maxSize;
    }

    /** Reads up to and including the end of the message. */
    MessageContent readFrom(InputStream data) throws IOException {
        while (true) {
            byte[] chunk = data.readNBytes(CHUNK);
            if (chunk.length == 0) {
                return this;
            }
            total += chunk.length;
            if (refusal != null) {
                continue;
            }
            if (total > maxSize) {
                refuse(Refusal.TOO_BIG);
            } else if (!budget.take(chunk.length)) {
                refuse(Refusal.NO_MEMORY);
            } else {
                taken += chunk.length;
                chunks.add(chunk);
            }
        }
    }

    private void refuse(Refusal why) {
        refusal = why;
        chunks = null;
        close();
    }

    /** Why the content was not kept, or null when it was. */
    Refusal refusal() {
        return refusal;
    }

    /** Octets the message had, kept or not. */
    long total() {
        return total;
    }

    /** The content, in one array (the chunks are let go); only when it was kept, and only once. */
    byte[] bytes() {
        byte[] bytes = new byte[(int) total];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, bytes, at, chunk.length);
            at += chunk.length;
        }
        chunks = null;
        return bytes;
    }

    /** Gives back what was taken from the budget; idempotent. */
    @Override
    public void close() {
        budget.giveBack(taken);
        taken = 0;
    }
}
