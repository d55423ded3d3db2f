package dev.smtplab.harness;

import dev.smtplab.server.record.MessageParts;
import dev.smtplab.server.record.RecordedMessage;
import org.assertj.core.api.AbstractAssert;

import java.util.List;
import java.util.Locale;

/**
 * Assertions on a recorded message. A failure shows what the message had and, while the test's
 * server runs, the session's transcript.
 */
public final class MessageAssert extends AbstractAssert<MessageAssert, RecordedMessage> {

    MessageAssert(RecordedMessage actual) {
        super(actual, MessageAssert.class);
    }

    public MessageAssert hasSender(String address) {
        isNotNull();
        if (!actual.mailFrom().equalsIgnoreCase(address)) {
            fail("expected the envelope sender <" + address + "> but it was <" + actual.mailFrom() + ">");
        }
        return this;
    }

    /** The accepted recipients are exactly these, in any order. */
    public MessageAssert hasRecipients(String... addresses) {
        isNotNull();
        List<String> expected = lower(List.of(addresses));
        List<String> accepted = lower(actual.acceptedRecipients());
        if (!(accepted.containsAll(expected) && expected.containsAll(accepted))) {
            fail("expected the recipients " + List.of(addresses) + " but they were " + actual.acceptedRecipients());
        }
        return this;
    }

    public MessageAssert hasSubject(String subject) {
        isNotNull();
        String actualSubject = actual.subject().orElse(null);
        if (!subject.equals(actualSubject)) {
            fail("expected the subject \"" + subject + "\" but it was " + quoted(actualSubject));
        }
        return this;
    }

    public MessageAssert hasHeader(String name, String value) {
        isNotNull();
        List<String> values = actual.headerValues(name);
        if (!values.contains(value)) {
            fail("expected the header " + name + ": " + value + " but " + (values.isEmpty() ? "there was none"
                    : "it had " + values));
        }
        return this;
    }

    public MessageAssert hasTextBodyContaining(String text) {
        isNotNull();
        String body = textBody();
        if (body == null || !body.contains(text)) {
            fail("expected the text body to contain \"" + text + "\" but it was " + quoted(body));
        }
        return this;
    }

    public MessageAssert hasAttachment(String filename, String contentType) {
        isNotNull();
        MessageParts parts = MessageParts.of(actual);
        if (!parts.parsed()) {
            fail("expected the attachment " + filename + " but the message is not valid MIME");
        }
        List<MessageParts.Attachment> found = parts.attachments();
        String wanted = filename + " (" + contentType.toLowerCase(Locale.ROOT) + ")";
        if (found.stream().noneMatch(attachment -> filename.equals(attachment.filename())
                && attachment.contentType().equalsIgnoreCase(contentType))) {
            fail("expected the attachment " + wanted + " but the attachments were " + found);
        }
        return this;
    }

    public MessageAssert wasSentOverTls() {
        isNotNull();
        if (!actual.overTls()) {
            fail("expected the message to come over TLS but it came in plain text");
        }
        return this;
    }

    public MessageAssert wasAuthenticatedAs(String user) {
        isNotNull();
        String actualUser = actual.authUser().orElse(null);
        if (!user.equals(actualUser)) {
            fail("expected the sender to have logged in as " + user + " but "
                    + (actualUser == null ? "it did not log in" : "it logged in as " + actualUser));
        }
        return this;
    }

    private void fail(String message) {
        failWithMessage("%s%n%s", message, context());
    }

    private String context() {
        StringBuilder text = new StringBuilder("the message: ").append(actual);
        SmtpLabExtension.serverThatRecorded(actual)
                .flatMap(server -> server.store().session(actual.sessionId()))
                .ifPresent(session -> text.append(System.lineSeparator()).append("its session's transcript:")
                        .append(System.lineSeparator()).append(session.transcriptText()));
        return text.toString();
    }

    private String textBody() {
        return MessageParts.of(actual).text().orElse(null);
    }

    private static List<String> lower(List<String> addresses) {
        return addresses.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList();
    }

    private static String quoted(String text) {
        return text == null ? "missing" : "\"" + text + "\"";
    }
}
