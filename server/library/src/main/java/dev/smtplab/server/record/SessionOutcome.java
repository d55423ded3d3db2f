package dev.smtplab.server.record;

/** How a session ended. */
public enum SessionOutcome {
    /** Still connected. */
    ACTIVE,
    /** The client sent QUIT after at least one message was accepted. */
    COMPLETED,
    /** The client sent QUIT without any message accepted in this session. */
    CLIENT_QUIT,
    /** The server refused the session before or at the greeting (a greeting other than 220). */
    REJECTED,
    /** The connection ended without QUIT: the client hung up, or the server closed it. */
    DROPPED,
    /** The client stayed silent longer than the server's idle timeout (421). */
    TIMED_OUT
}
