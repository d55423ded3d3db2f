package dev.smtplab.server.record;

/** Who a transcript line came from. */
public enum Direction {
    /** A line the client sent (or a summary of message content it sent). */
    CLIENT,
    /** A reply line the server sent. */
    SERVER,
    /** Something the server noted that was not on the wire, such as a connection closing. */
    EVENT
}
