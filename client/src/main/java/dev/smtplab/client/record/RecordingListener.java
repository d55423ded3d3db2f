package dev.smtplab.client.record;

import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.WireListener;

import java.time.Duration;
import java.util.Locale;

/**
 * Feeds a recording from one connection our client makes itself (smtplab diagnose --record): each
 * reply is paired with the command before it, or is the greeting when none was sent. Only the verb,
 * the HELO name and MAIL's or RCPT's address are kept of what the client sent, so an AUTH line
 * passes by without a trace.
 */
public final class RecordingListener implements WireListener {
    private final Recording recording;
    private final String clientAddress;
    private String verb;
    private String address;
    private String helo;
    private long sentNanos = System.nanoTime();

    /** @param clientAddress this end's address, as the server sees it (for [{client}] in its texts) */
    public RecordingListener(Recording recording, String clientAddress) {
        this.recording = recording;
        this.clientAddress = clientAddress;
    }

    @Override
    public synchronized void sent(String line, boolean tls) {
        int space = line.indexOf(' ');
        verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        address = RelayedSession.address(verb, line);
        if (verb.equals("EHLO") || verb.equals("HELO")) {
            helo = space < 0 ? "" : line.substring(space + 1).trim();
        }
        sentNanos = System.nanoTime();
    }

    @Override
    public synchronized void received(Reply reply, boolean tls) {
        Duration took = Duration.ofNanos(System.nanoTime() - sentNanos);
        Recording.Session session = new Recording.Session(helo, clientAddress);
        if (verb == null) {
            recording.greeting(reply, took, session);
        } else {
            recording.reply(verb, address, reply, took, tls, session);
        }
    }
}
