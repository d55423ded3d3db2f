package dev.smtplab.server.smtp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The message content all sessions may hold in memory at once while it arrives. A session takes
 * from it as it reads and gives back once the message is stored (the store has a bound of its own)
 * or refused, so 300 slow uploads of 25 MB cannot take 7 GB between them.
 */
final class DataBudget {
    private final long total;
    private final AtomicLong left;

    DataBudget(long total) {
        this.total = total;
        this.left = new AtomicLong(total);
    }

    /** Takes this many octets if they are left; false (and nothing taken) when they are not. */
    boolean take(long octets) {
        while (true) {
            long now = left.get();
            if (now < octets) {
                return false;
            }
            if (left.compareAndSet(now, now - octets)) {
                return true;
            }
        }
    }

    void giveBack(long octets) {
        left.addAndGet(octets);
    }

    /** Octets taken now. */
    long inUse() {
        return total - left.get();
    }
}
