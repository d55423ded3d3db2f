package dev.smtplab.server.bounce;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A delivery status notification as a message (RFC 3464, RFC 6522): multipart/report with
 * report-type=delivery-status, of three parts: what happened in words, the message/delivery-status
 * fields, and the original message (message/rfc822) or, for RET=HDRS or a message too big to send
 * back, its header (text/rfc822-headers). From the mailer daemon, to the original envelope sender;
 * it is itself sent from the null sender, so no notification is ever sent about it.
 */
public final class DsnMessage {
    /** Names the stored message a report is about, for the web UI's link between the two. */
    public static final String ABOUT_HEADER = "X-SMTP-Lab-Report-About";
    /** Past this, only the header goes back (Postfix's bounce_size_limit). */
    public static final int FULL_RETURN_LIMIT = 50_000;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z",
            Locale.ROOT);

    private DsnMessage() {
    }

    /** The report as a message, CRLF line ends; {@code id} makes its Message-ID and boundary unique. */
    public static byte[] write(DeliveryReport report, Instant now, String id) {
        return write(report, now, id, null);
    }

    /**
     * As {@link #write(DeliveryReport, Instant, String)}, naming the stored message the report is about
     * in {@value #ABOUT_HEADER} (the web UI links the two), when {@code aboutMessageId} is not null.
     */
    public static byte[] write(DeliveryReport report, Instant now, String id, String aboutMessageId) {
        String host = report.reportingMta();
        String boundary = "=_smtplab_dsn_" + id + "_" + now.toEpochMilli();
        DeliveryReport.Action action = report.recipients().get(0).action();
        String originalId = header(report.original(), "Message-ID");
        StringBuilder head = new StringBuilder();
        line(head, "From: Mail Delivery System <MAILER-DAEMON@" + host + ">");
        line(head, "To: <" + report.originalSender() + ">");
        line(head, "Subject: " + switch (action) {
            case FAILED -> "Undelivered Mail Returned to Sender";
            case DELAYED -> "Delayed Mail (still being retried)";
            case DELIVERED -> "Successful Mail Delivery Report";
        });
        line(head, "Date: " + date(now));
        line(head, "Message-ID: <" + id + ".dsn@" + host + ">");
        if (originalId != null) {
            line(head, "In-Reply-To: " + originalId);
            line(head, "References: " + originalId);
        }
        line(head, "Auto-Submitted: auto-replied");
        if (aboutMessageId != null) {
            line(head, ABOUT_HEADER + ": " + aboutMessageId);
        }
        line(head, "MIME-Version: 1.0");
        line(head, "Content-Type: multipart/report; report-type=delivery-status;");
        line(head, "\tboundary=\"" + boundary + "\"");
        line(head, "");
        line(head, "This is a MIME-encapsulated message.");
        line(head, "");

        line(head, "--" + boundary);
        line(head, "Content-Description: Notification");
        line(head, "Content-Type: text/plain; charset=us-ascii");
        line(head, "");
        human(head, report, action);
        line(head, "");

        line(head, "--" + boundary);
        line(head, "Content-Description: Delivery report");
        line(head, "Content-Type: message/delivery-status");
        line(head, "");
        line(head, "Reporting-MTA: dns; " + host);
        if (report.envelopeId() != null) {
            line(head, "Original-Envelope-Id: " + printable(report.envelopeId()));
        }
        line(head, "Arrival-Date: " + date(report.arrival()));
        for (DeliveryReport.Entry entry : report.recipients()) {
            line(head, "");
            line(head, "Final-Recipient: rfc822; " + entry.finalRecipient());
            if (entry.originalRecipient() != null) {
                line(head, "Original-Recipient: " + printable(entry.originalRecipient()));
            }
            line(head, "Action: " + entry.action().field());
            line(head, "Status: " + entry.status());
            line(head, "Remote-MTA: dns; " + host);
            if (entry.diagnostic() != null) {
                line(head, "Diagnostic-Code: smtp; " + printable(entry.diagnostic()));
            }
            if (entry.lastAttempt() != null) {
                line(head, "Last-Attempt-Date: " + date(entry.lastAttempt()));
            }
            if (entry.willRetryUntil() != null) {
                line(head, "Will-Retry-Until: " + date(entry.willRetryUntil()));
            }
        }
        line(head, "");

        boolean whole = !report.returnHeaders() && report.original().length <= FULL_RETURN_LIMIT;
        line(head, "--" + boundary);
        line(head, "Content-Description: " + (whole ? "Undelivered Message" : "Undelivered Message Headers"));
        line(head, "Content-Type: " + (whole ? "message/rfc822" : "text/rfc822-headers"));
        line(head, "");
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        byte[] returned = whole ? report.original() : headerBlock(report.original());
        message.writeBytes(returned);
        if (returned.length > 0 && !(returned.length >= 2 && returned[returned.length - 2] == '\r'
                && returned[returned.length - 1] == '\n')) {
            message.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        message.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return message.toByteArray();
    }

    private static void human(StringBuilder text, DeliveryReport report, DeliveryReport.Action action) {
        String host = report.reportingMta();
        line(text, "This is the mail system at host " + host + " (SMTP Lab).");
        line(text, "");
        switch (action) {
            case FAILED -> {
                line(text, "I'm sorry to have to inform you that your message could not");
                line(text, "be delivered to one or more recipients. It's attached below.");
            }
            case DELAYED -> {
                line(text, "Your message could not be delivered yet to the recipients below.");
                line(text, "The mail system will keep trying; no action is needed now.");
            }
            case DELIVERED -> {
                line(text, "Your message was successfully delivered to the destination(s)");
                line(text, "listed below, as you asked with NOTIFY=SUCCESS.");
            }
        }
        line(text, "");
        for (DeliveryReport.Entry entry : report.recipients()) {
            line(text, "<" + entry.finalRecipient() + ">: " + (entry.diagnostic() != null
                    ? "host " + host + " said: " + printable(entry.diagnostic()) : entry.status()));
        }
    }

    /** A header's value in the message's own header block (unfolded), or null. */
    static String header(byte[] message, String name) {
        String block = new String(headerBlock(message), StandardCharsets.UTF_8).replaceAll("\r?\n[ \t]+", " ");
        for (String line : block.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                String value = line.substring(colon + 1).trim();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    /** The header block, up to and with the blank line that ends it (all of a message without a body). */
    static byte[] headerBlock(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n' && (message[i + 1] == '\n'
                    || (message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n'))) {
                int end = message[i + 1] == '\n' ? i + 2 : i + 3;
                return java.util.Arrays.copyOf(message, end);
            }
        }
        return message;
    }

    /** One line of a field: control characters (a CR or LF a client smuggled in) become spaces. */
    private static String printable(String text) {
        return text.replaceAll("[\\x00-\\x1f\\x7f]", " ");
    }

    private static String date(Instant instant) {
        return DATE.format(instant.atOffset(ZoneOffset.UTC));
    }

    private static void line(StringBuilder text, String line) {
        text.append(line).append("\r\n");
    }
}
