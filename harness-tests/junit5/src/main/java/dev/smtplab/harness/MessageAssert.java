package dev.smtplab.harness;

import dev.smtplab.server.record.MessageParts;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.Recipient;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.assertj.core.api.AbstractAssert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Assertions on a recorded message. A failure names what was expected and what the message had (as
 * an opentest4j expected/actual pair, so an IDE shows a diff), and, while the test's server runs,
 * the session's transcript, whichever thread the assertion runs on.
 */
public final class MessageAssert extends AbstractAssert<MessageAssert, RecordedMessage> {

    MessageAssert(RecordedMessage actual) {
        super(actual, MessageAssert.class);
    }

    /**
     * The message is a delivery status notification (RFC 3464): goes on to its recipients' Action,
     * Status and Diagnostic-Code.
     */
    public DeliveryReportAssert isDeliveryReport() {
        isNotNull();
        return new DeliveryReportAssert(actual);
    }

    /** The envelope sender (MAIL FROM), not the From header. */
    public MessageAssert hasSender(String address) {
        isNotNull();
        if (!actual.mailFrom().equalsIgnoreCase(address)) {
            fail("expected the envelope sender (MAIL FROM) <" + address + "> but it was <" + actual.mailFrom() + ">",
                    actual.mailFrom(), address);
        }
        return this;
    }

    /**
     * The accepted envelope recipients (RCPT TO) are exactly these, in any order, each as many
     * times as given: a recipient accepted twice fails {@code hasRecipients("bob@x")}.
     */
    public MessageAssert hasRecipients(String... addresses) {
        return sameAddresses("the envelope recipients (RCPT TO)", actual.acceptedRecipients(), List.of(addresses));
    }

    /** The same as {@link #hasRecipients}, named for tests that also check the header recipients. */
    public MessageAssert hasEnvelopeRecipients(String... addresses) {
        return hasRecipients(addresses);
    }

    /**
     * The addresses in the To and Cc headers are exactly these, in any order. They may differ from
     * the envelope: a Bcc recipient is in the envelope only.
     */
    public MessageAssert hasHeaderRecipients(String... addresses) {
        isNotNull();
        List<String> inHeaders = new ArrayList<>();
        for (String header : List.of("To", "Cc")) {
            for (String value : actual.headerValues(header)) {
                try {
                    for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                        inHeaders.add(address.getAddress());
                    }
                } catch (AddressException e) {
                    fail("expected the header recipients " + List.of(addresses) + " but the " + header + " header \""
                            + value + "\" does not parse: " + e.getMessage(), value, List.of(addresses));
                }
            }
        }
        return sameAddresses("the header recipients (To and Cc)", inHeaders, List.of(addresses));
    }

    private MessageAssert sameAddresses(String what, List<String> actualAddresses, List<String> expectedAddresses) {
        isNotNull();
        List<String> missing = new ArrayList<>(lower(expectedAddresses));
        List<String> unexpected = new ArrayList<>();
        for (String address : lower(actualAddresses)) {
            if (!missing.remove(address)) {
                unexpected.add(address);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder message = new StringBuilder("expected ").append(what).append(' ').append(expectedAddresses)
                    .append(" but they were ").append(actualAddresses);
            if (!missing.isEmpty()) {
                message.append(System.lineSeparator()).append("  missing: ").append(missing);
            }
            if (!unexpected.isEmpty()) {
                message.append(System.lineSeparator()).append("  unexpected: ").append(unexpected);
            }
            fail(message.toString(), sorted(actualAddresses), sorted(expectedAddresses));
        }
        return this;
    }

    public MessageAssert hasSubject(String subject) {
        isNotNull();
        String actualSubject = actual.subject().orElse(null);
        if (!subject.equals(actualSubject)) {
            fail("expected the subject \"" + subject + "\" but it was " + quoted(actualSubject), actualSubject, subject);
        }
        return this;
    }

    public MessageAssert hasHeader(String name, String value) {
        isNotNull();
        List<String> values = actual.headerValues(name);
        if (!values.contains(value)) {
            fail("expected the header " + name + ": " + value + " but " + (values.isEmpty() ? "there was none"
                    : "it had " + values), values.size() == 1 ? values.get(0) : values, value);
        }
        return this;
    }

    /** The content has no header of this name (any value). */
    public MessageAssert hasNoHeader(String name) {
        isNotNull();
        List<String> values = actual.headerValues(name);
        if (!values.isEmpty()) {
            fail("expected no " + name + " header but the content has " + name + ": " + String.join(", ", values),
                    values, List.of());
        }
        return this;
    }

    /**
     * The content has no Bcc header: blind copies belong in the envelope only, and a Bcc header
     * left in the content tells every recipient who else got a blind copy.
     */
    public MessageAssert hasNoBccHeader() {
        return hasNoHeader("Bcc");
    }

    public MessageAssert hasTextBodyContaining(String text) {
        isNotNull();
        String body = parts().text().orElse(null);
        if (body == null || !body.contains(text)) {
            fail("expected the text body to contain \"" + text + "\" but it was " + quoted(body), body, text);
        }
        return this;
    }

    /** The HTML body, decoded, contains this text as written (tags and entities included). */
    public MessageAssert hasHtmlBodyContaining(String html) {
        isNotNull();
        String body = parts().html().orElse(null);
        if (body == null || !body.contains(html)) {
            fail("expected the HTML body to contain \"" + html + "\" but " + (body == null ? "the message has no "
                    + "HTML body" : "it was " + quoted(body)), body, html);
        }
        return this;
    }

    public MessageAssert hasAttachment(String filename, String contentType) {
        isNotNull();
        MessageParts parts = parts();
        List<MessageParts.Attachment> found = parts.attachments();
        String wanted = filename + " (" + contentType.toLowerCase(Locale.ROOT) + ")";
        if (found.stream().noneMatch(attachment -> filename.equals(attachment.filename())
                && attachment.contentType().equalsIgnoreCase(contentType))) {
            fail("expected the attachment " + wanted + " but the attachments were " + found, found.toString(),
                    List.of(wanted).toString());
        }
        return this;
    }

    /** An attachment of this file name holds exactly these bytes, after its transfer encoding is undone. */
    public MessageAssert hasAttachmentWithContent(String filename, byte[] content) {
        byte[] found = attachmentBytes(filename);
        if (!Arrays.equals(found, content)) {
            fail("expected the attachment " + filename + " to hold " + content.length + " bytes as given but it "
                    + "holds " + found.length + " that differ" + firstDifference(found, content), found, content);
        }
        return this;
    }

    /** An attachment of this file name is this text in UTF-8. */
    public MessageAssert hasAttachmentWithText(String filename, String text) {
        String found = new String(attachmentBytes(filename), StandardCharsets.UTF_8);
        if (!found.equals(text)) {
            fail("expected the attachment " + filename + " to be the text \"" + text + "\" but it was \"" + found + "\"",
                    found, text);
        }
        return this;
    }

    private byte[] attachmentBytes(String filename) {
        isNotNull();
        MessageParts parts = parts();
        Optional<MessageParts.Attachment> attachment = parts.attachments().stream()
                .filter(candidate -> filename.equals(candidate.filename())).findFirst();
        if (attachment.isEmpty()) {
            fail("expected an attachment named " + filename + " but the attachments were " + parts.attachments(),
                    parts.attachments().toString(), filename);
        }
        try {
            return parts.attachmentBytes(attachment.get().index());
        } catch (IOException e) {
            fail("expected the attachment " + filename + " to be readable but " + e.getMessage());
            throw new IllegalStateException(e);
        }
    }

    /** The message asked for this DSN return (RFC 3461 {@code RET=FULL} or {@code HDRS}) on MAIL FROM. */
    public MessageAssert hasDsnReturn(String ret) {
        return hasMailParameter("RET", ret);
    }

    /** The message carries this envelope id (RFC 3461 {@code ENVID=}) on MAIL FROM. */
    public MessageAssert hasDsnEnvelopeId(String envelopeId) {
        return hasMailParameter("ENVID", envelopeId);
    }

    /** MAIL FROM carried this parameter with this value (the keyword in any case); {@code ""} for a bare one such as SMTPUTF8. */
    public MessageAssert hasMailParameter(String keyword, String value) {
        isNotNull();
        String wanted = value.isEmpty() ? keyword : keyword + "=" + value;
        Optional<String> found = actual.mailParameters().entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(keyword)).map(java.util.Map.Entry::getValue)
                .findFirst();
        if (found.isEmpty() || !found.get().equals(value)) {
            fail("expected MAIL FROM to carry " + wanted + " but its parameters were " + actual.mailParameters(),
                    actual.mailParameters().toString(), wanted);
        }
        return this;
    }

    /** The RCPT TO of this recipient asked for these DSN notifications: {@code hasDsnNotify("bob@x", "SUCCESS,FAILURE")}. */
    public MessageAssert hasDsnNotify(String recipient, String notify) {
        isNotNull();
        Recipient found = actual.recipients().stream().filter(r -> r.address().equalsIgnoreCase(recipient))
                .findFirst().orElse(null);
        if (found == null) {
            fail("expected the recipient <" + recipient + "> with NOTIFY=" + notify + " but the recipients were "
                    + actual.acceptedRecipients(), actual.acceptedRecipients().toString(), recipient);
            return this;
        }
        String given = found.parameters().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("NOTIFY"))
                .map(java.util.Map.Entry::getValue).findFirst().orElse(null);
        if (given == null || !given.equalsIgnoreCase(notify)) {
            fail("expected RCPT TO:<" + recipient + "> to carry NOTIFY=" + notify + " but "
                    + (given == null ? "it had no NOTIFY" : "it had NOTIFY=" + given), given, notify);
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
                    + (actualUser == null ? "it did not log in" : "it logged in as " + actualUser), actualUser, user);
        }
        return this;
    }

    /**
     * The client pipelined (RFC 2920) in the message's session: it sent at least one command
     * before the reply to the one before. Needs the test's server still running.
     */
    public MessageAssert wasSentWithPipelining() {
        isNotNull();
        RecordedSession session = session().orElse(null);
        if (session == null) {
            fail("expected the message to be sent with PIPELINING, but its session is not known: assert while the "
                    + "test's server runs");
        } else if (session.pipelinedCommands() == 0) {
            fail("expected the message to be sent with PIPELINING (RFC 2920) but the client waited for each reply");
        }
        return this;
    }

    /** The content had no line that ends data for some servers but not others (SMTP smuggling, CVE-2023-51764). */
    public MessageAssert hasNoSuspiciousEndOfData() {
        isNotNull();
        if (!actual.suspiciousEndOfData().isEmpty()) {
            fail("expected no suspicious end-of-data sequence but the content had " + actual.suspiciousEndOfData(),
                    actual.suspiciousEndOfData(), List.of());
        }
        return this;
    }

    /** The content had a bare-LF or bare-CR end-of-data look-alike, as a smuggling attempt would. */
    public MessageAssert hasSuspiciousEndOfData() {
        isNotNull();
        if (actual.suspiciousEndOfData().isEmpty()) {
            fail("expected a suspicious end-of-data sequence (SMTP smuggling) but the content had none");
        }
        return this;
    }

    /** Some link of the text or HTML body matches the regular expression (see {@link RecordedMessage#links()}). */
    public MessageAssert hasLinkMatching(String regex) {
        isNotNull();
        if (actual.firstLink(regex).isEmpty()) {
            fail("expected a link matching /" + regex + "/ but the links were " + actual.links(),
                    actual.links().toString(), regex);
        }
        return this;
    }

    private void fail(String message) {
        failWithMessage("%s%n%s", message, context());
    }

    private void fail(String message, Object actualValue, Object expectedValue) {
        failWithActualExpectedAndMessage(actualValue, expectedValue, "%s%n%s", message, context());
    }

    private MessageParts parts() {
        MessageParts parts = MessageParts.of(actual);
        if (!parts.parsed()) {
            fail("expected a MIME message but the content does not parse as one");
        }
        return parts;
    }

    private Optional<RecordedSession> session() {
        return SmtpLabExtension.serverThatRecorded(actual)
                .flatMap(server -> server.store().session(actual.sessionId()));
    }

    private String context() {
        StringBuilder text = new StringBuilder("the message: ").append(actual);
        session().ifPresent(session -> text.append(System.lineSeparator()).append("its session's transcript:")
                .append(System.lineSeparator()).append(session.transcriptText()));
        return text.toString();
    }

    private static String firstDifference(byte[] found, byte[] expected) {
        int common = Math.min(found.length, expected.length);
        for (int i = 0; i < common; i++) {
            if (found[i] != expected[i]) {
                return " from byte " + i;
            }
        }
        return found.length == expected.length ? "" : " in length";
    }

    private static List<String> lower(List<String> addresses) {
        return addresses.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList();
    }

    private static List<String> sorted(List<String> addresses) {
        return lower(addresses).stream().sorted().toList();
    }

    private static String quoted(String text) {
        return text == null ? "missing" : "\"" + text + "\"";
    }
}
