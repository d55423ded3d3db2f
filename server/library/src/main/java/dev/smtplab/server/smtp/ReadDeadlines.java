package dev.smtplab.server.smtp;

import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Deadlines that a client cannot stretch by trickling: a whole command line after the previous
 * reply, the whole message content after the 354, and the whole session. Before each blocking read
 * the socket's timeout is cut to what is left, so a byte every few seconds no longer keeps a slot
 * forever; the idle timeout still bounds each silence on its own.
 */
final class ReadDeadlines {
    private final Socket socket;
    private final SmtpLimits limits;
    private final int idleMillis;
    private final long sessionEnds;
    private long phaseEnds;
    private String phase;

    ReadDeadlines(Socket socket, SmtpLimits limits, int idleMillis, long sessionStartedNanos) {
        this.socket = socket;
        this.limits = limits;
        this.idleMillis = idleMillis;
        this.sessionEnds = sessionStartedNanos + limits.maxSessionTime().toNanos();
        commandExpected();
    }

    /** A reply went out; the next command line must arrive within the command timeout. */
    void commandExpected() {
        start(limits.commandTimeout(), "no complete command line within " + seconds(limits.commandTimeout())
                + " of the previous reply (--command-timeout)");
    }

    /** The message content (after a 354, or a BDAT chunk) must arrive within the data timeout. */
    void messageExpected() {
        start(limits.dataTimeout(), "the message content did not arrive within " + seconds(limits.dataTimeout())
                + " (--data-timeout)");
    }

    private void start(Duration timeout, String description) {
        phaseEnds = System.nanoTime() + timeout.toNanos();
        phase = description;
    }

    /**
     * Sets the socket's timeout for the next read to what is left of the nearest deadline.
     *
     * @return null, or what ran out when nothing is left (the read must not happen)
     */
    String beforeRead() throws SocketException {
        long now = System.nanoTime();
        long left = Math.min(phaseEnds, sessionEnds) - now;
        if (left <= 0) {
            return expired(now);
        }
        long millis = Math.max(1, (left + 999_999) / 1_000_000);
        socket.setSoTimeout((int) Math.min(idleMillis, millis));
        return null;
    }

    /** A read timed out: which deadline it was, or the idle timeout (null) when none had passed. */
    String afterTimeout() {
        long now = System.nanoTime();
        return now - Math.min(phaseEnds, sessionEnds) >= 0 ? expired(now) : null;
    }

    private String expired(long now) {
        return now - sessionEnds >= 0 ? "the session lasted longer than " + seconds(limits.maxSessionTime())
                + " (--max-session-time)" : phase;
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
