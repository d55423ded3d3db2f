package dev.smtplab.server.record;

/**
 * A message with its place in the store's arrival order. The cursor grows in the order messages
 * become visible, which is not always the order of their ids: an id is given when the content
 * ends, and two sessions ending together can be stored the other way round. Paging and waiting by
 * cursor therefore never skip or repeat a message.
 *
 * @param cursor  1 for the first message a store kept, then higher, never reused
 * @param message the message
 * @param read    whether it was marked read (see {@link MessageStore#markRead(String, boolean)})
 */
public record StoredMessage(long cursor, RecordedMessage message, boolean read) {

    /** A message not yet read. */
    public StoredMessage(long cursor, RecordedMessage message) {
        this(cursor, message, false);
    }
}
