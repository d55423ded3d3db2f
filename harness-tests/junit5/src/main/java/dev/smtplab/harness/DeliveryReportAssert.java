package dev.smtplab.harness;

import dev.smtplab.server.record.RecordedMessage;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.assertj.core.api.AbstractAssert;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Assertions on a delivery status notification (RFC 3464): its per-message fields and each
 * recipient's Action, Status and Diagnostic-Code, as a bounce handler reads them.
 * {@code assertThat(smtp.awaitBounce("app@example.test", timeout)).isDeliveryReport()
 * .hasRecipient("bob@example.test", "failed", "5.1.1")}.
 */
public final class DeliveryReportAssert extends AbstractAssert<DeliveryReportAssert, RecordedMessage> {
    private final InternetHeaders message;
    private final List<InternetHeaders> recipients;
    private final String returned;

    DeliveryReportAssert(RecordedMessage actual) {
        super(actual, DeliveryReportAssert.class);
        try {
            MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(actual.data()));
            ContentType type = new ContentType(mime.getContentType());
            if (!type.match("multipart/report") || !"delivery-status".equalsIgnoreCase(type.getParameter("report-type"))) {
                failWithMessage("expected a delivery status notification (multipart/report; "
                        + "report-type=delivery-status) but message %s is %s", actual.id(), mime.getContentType());
            }
            MimeMultipart parts = new MimeMultipart(mime.getDataHandler().getDataSource());
            List<InternetHeaders> groups = groups(parts.getBodyPart(1));
            this.message = groups.get(0);
            this.recipients = groups.subList(1, groups.size());
            this.returned = parts.getCount() > 2 ? new ContentType(parts.getBodyPart(2).getContentType()).getBaseType()
                    : null;
        } catch (MessagingException | IOException e) {
            throw new AssertionError("message " + actual.id() + " does not read as a delivery status notification: "
                    + e.getMessage(), e);
        }
    }

    private static List<InternetHeaders> groups(BodyPart part) throws MessagingException, IOException {
        String text = new String(part.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        List<InternetHeaders> groups = new ArrayList<>();
        for (String group : text.replace("\r\n", "\n").split("\n\\s*\n")) {
            if (!group.isBlank()) {
                groups.add(new InternetHeaders(new ByteArrayInputStream((group.strip() + "\n\n")
                        .getBytes(StandardCharsets.US_ASCII))));
            }
        }
        return groups;
    }

    /** This recipient has a block with this Action (failed, delayed, delivered) and Status (such as 5.1.1). */
    public DeliveryReportAssert hasRecipient(String address, String action, String status) {
        InternetHeaders recipient = recipient(address);
        String actualAction = recipient.getHeader("Action", null);
        String actualStatus = recipient.getHeader("Status", null);
        if (!action.equalsIgnoreCase(actualAction) || !status.equals(actualStatus)) {
            failWithActualExpectedAndMessage(actualAction + " " + actualStatus, action + " " + status,
                    "expected %s to be %s with status %s in the report, but it was %s with status %s", address,
                    action, status, actualAction, actualStatus);
        }
        return this;
    }

    /** This recipient's Diagnostic-Code contains the text (such as the reply "550 5.1.1 ..."). */
    public DeliveryReportAssert hasDiagnosticCodeContaining(String address, String text) {
        String code = recipient(address).getHeader("Diagnostic-Code", null);
        if (code == null || !code.contains(text)) {
            failWithMessage("expected the Diagnostic-Code of %s to contain \"%s\" but it was %s", address, text, code);
        }
        return this;
    }

    /** The Original-Envelope-Id is the ENVID the message was sent with. */
    public DeliveryReportAssert hasOriginalEnvelopeId(String envelopeId) {
        String actualId = message.getHeader("Original-Envelope-Id", null);
        if (!envelopeId.equals(actualId)) {
            failWithActualExpectedAndMessage(actualId, envelopeId, "expected Original-Envelope-Id %s but it was %s",
                    envelopeId, actualId);
        }
        return this;
    }

    /** The report returns the whole original message (message/rfc822), not only its header. */
    public DeliveryReportAssert returnsTheWholeMessage() {
        if (!"message/rfc822".equalsIgnoreCase(returned)) {
            failWithMessage("expected the whole original message (message/rfc822) in the report but it has %s",
                    returned == null ? "none" : returned);
        }
        return this;
    }

    /** The report returns only the original's header (text/rfc822-headers), as RET=HDRS asks. */
    public DeliveryReportAssert returnsOnlyTheHeader() {
        if (!"text/rfc822-headers".equalsIgnoreCase(returned)) {
            failWithMessage("expected only the original's header (text/rfc822-headers) in the report but it has %s",
                    returned == null ? "none" : returned);
        }
        return this;
    }

    private InternetHeaders recipient(String address) {
        isNotNull();
        List<String> named = new ArrayList<>();
        for (InternetHeaders recipient : recipients) {
            String field = recipient.getHeader("Final-Recipient", null);
            named.add(field);
            if (field != null && field.replaceFirst("(?i)^rfc822;\\s*", "").equalsIgnoreCase(address)) {
                return recipient;
            }
        }
        failWithMessage("expected %s in the report but it names %s", address, named);
        return null;
    }
}
