package dev.smtplab.client.protocol;

/** Told of everything that crosses the wire, for transcripts and live display. */
public interface WireListener {
    /** A line the client sent (without CRLF); {@code tls} when it went encrypted. */
    void sent(String line, boolean tls);

    /** A whole reply the server sent. */
    void received(Reply reply, boolean tls);
}
