package dev.smtplab.server.smtp;

/**
 * The last word on each reply line before it leaves: what a TLS session must not offer, and
 * SubEthaSMTP's fixed texts said as Postfix says them, with an enhanced status code.
 */
final class ReplyWording {
    /** SubEthaSMTP's answer to a read that timed out, whichever deadline it was. */
    static final String LIBRARY_TIMEOUT = "421 Timeout waiting for data from client.";

    private final boolean overTls;
    private final String timeoutReply;

    /**
     * @param overTls  the line goes out over TLS, where STARTTLS is never offered (RFC 3207, 4.2)
     * @param hostName the server's name for Postfix's texts; null keeps SubEthaSMTP's (the lenient mode)
     */
    ReplyWording(boolean overTls, String hostName) {
        this.overTls = overTls;
        this.timeoutReply = hostName == null ? null : "421 4.4.2 " + hostName + " Error: timeout exceeded";
    }

    /** The line to send instead, or null to hold it back. */
    String reword(String line) {
        if (overTls && line.regionMatches(true, 0, "250-STARTTLS", 0, 12)) {
            return null;
        }
        if (timeoutReply != null && line.equals(LIBRARY_TIMEOUT)) {
            return timeoutReply;
        }
        return line;
    }
}
