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
 */
public record MessageQuery(String from, String to, String subject, String text, Instant since, Instant until,
                           Set<String> inboxes)
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

    /** A query over every inbox. */
    public MessageQuery(String from, String to, String subject, String text, Instant since, Instant until) {
        this(from, to, subject, text, since, until, null);
    }

    /** Every message. */
    public static MessageQuery all() {
        return new MessageQuery(null, null, null, null, null, null, null);
    }

    /** Only messages in these inboxes; null for any. */
    public MessageQuery inInboxes(Set<String> names) {
        return new MessageQuery(from, to, subject, text, since, until, names);
    }

    public MessageQuery withTo(String part) {
        return new MessageQuery(from, part, subject, text, since, until, inboxes);
    }

    public MessageQuery withFrom(String part) {
        return new MessageQuery(part, to, subject, text, since, until, inboxes);
    }

    public MessageQuery withSubject(String part) {
        return new MessageQuery(from, to, part, text, since, until, inboxes);
    }

    public MessageQuery withText(String part) {
        return new MessageQuery(from, to, subject, part, since, until, inboxes);
    }

    public MessageQuery between(Instant since, Instant until) {
        return new MessageQuery(from, to, subject, text, since, until, inboxes);
    }

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
