package dev.smtplab.server.record;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which messages a list, count, delete or wait is about, for the store to answer itself rather
 * than hand every message to the caller. Text fields match as case-insensitive substrings; null
 * (or blank) means any. Cursors are the store's arrival order (see {@link StoredMessage}).
 *
 * @param from    part of the envelope sender
 * @param to      part of an accepted recipient
 * @param subject part of the subject
 * @param text    part of the subject or the raw content
 * @param since   received at or after; null for any
 * @param until   received before; null for any
 * @param inboxes in one of these inboxes (exact names); null for any
 * @param read    read (true) or unread (false), as the web UI marks messages; null for either. Only
 *                the store knows which messages were read: {@link #test(RecordedMessage, boolean)}
 *                takes it, and {@link #test(RecordedMessage)} checks everything else
 */
public record MessageQuery(String from, String to, String subject, String text, Instant since, Instant until,
                           Set<String> inboxes, Boolean read)
        implements Predicate<RecordedMessage> {

    public MessageQuery {
        inboxes = inboxes == null ? null : Set.copyOf(inboxes);
        from = lower(from);
        to = lower(to);
        subject = lower(subject);
        text = lower(text);
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("since (" + since + ") must be before until (" + until + ")");
        }
    }

    /** A query over every inbox, read or not. */
    public MessageQuery(String from, String to, String subject, String text, Instant since, Instant until) {
        this(from, to, subject, text, since, until, null, null);
    }

    /** A query over these inboxes (null for any), read or not. */
    public MessageQuery(String from, String to, String subject, String text, Instant since, Instant until,
                        Set<String> inboxes) {
        this(from, to, subject, text, since, until, inboxes, null);
    }

    /** Every message. */
    public static MessageQuery all() {
        return new MessageQuery(null, null, null, null, null, null, null, null);
    }

    /** Only messages in these inboxes; null for any. */
    public MessageQuery inInboxes(Set<String> names) {
        return new MessageQuery(from, to, subject, text, since, until, names, read);
    }

    /** Only read messages (true), only unread ones (false), or either (null). */
    public MessageQuery withRead(Boolean read) {
        return new MessageQuery(from, to, subject, text, since, until, inboxes, read);
    }

    public MessageQuery withTo(String part) {
        return new MessageQuery(from, part, subject, text, since, until, inboxes, read);
    }

    public MessageQuery withFrom(String part) {
        return new MessageQuery(part, to, subject, text, since, until, inboxes, read);
    }

    public MessageQuery withSubject(String part) {
        return new MessageQuery(from, to, part, text, since, until, inboxes, read);
    }

    public MessageQuery withText(String part) {
        return new MessageQuery(from, to, subject, part, since, until, inboxes, read);
    }

    public MessageQuery between(Instant since, Instant until) {
        return new MessageQuery(from, to, subject, text, since, until, inboxes, read);
    }

    /** Whether the message matches, its read state included. */
    public boolean test(RecordedMessage message, boolean isRead) {
        return (read == null || read == isRead) && test(message);
    }

    /** Whether the message matches in everything but its read state, which only the store knows. */
    @Override
    public boolean test(RecordedMessage message) {
        return (inboxes == null || inboxes.contains(message.inbox()))
                && (from == null || message.mailFrom().toLowerCase(Locale.ROOT).contains(from))
                && (to == null || message.acceptedRecipients().stream()
                .anyMatch(recipient -> recipient.toLowerCase(Locale.ROOT).contains(to)))
                && (subject == null || message.subject().orElse("").toLowerCase(Locale.ROOT).contains(subject))
                && (text == null || message.subject().orElse("").toLowerCase(Locale.ROOT).contains(text)
                || message.dataAsString().toLowerCase(Locale.ROOT).contains(text))
                && (since == null || !message.receivedAt().isBefore(since))
                && (until == null || message.receivedAt().isBefore(until));
    }

    private static String lower(String value) {
        return value == null || value.isBlank() ? null : value.toLowerCase(Locale.ROOT);
    }
}
