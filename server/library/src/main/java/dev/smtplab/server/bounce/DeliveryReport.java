package dev.smtplab.server.bounce;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a delivery status notification (RFC 3464) reports about one message: who reports, about
 * which transaction, and what became of each recipient it names.
 *
 * @param reportingMta   this server's name (Reporting-MTA: dns; NAME)
 * @param envelopeId     the client's ENVID, decoded; null when it gave none
 * @param returnHeaders  RET=HDRS: return only the message's header, not the whole message
 * @param arrival        when the message arrived (Arrival-Date)
 * @param originalSender the message's envelope sender, to whom the report goes
 * @param original       the message as it was received
 * @param recipients     one entry per recipient the report is about
 */
public record DeliveryReport(String reportingMta, String envelopeId, boolean returnHeaders, Instant arrival,
                             String originalSender, byte[] original, List<Entry> recipients) {
    public DeliveryReport {
        Objects.requireNonNull(reportingMta);
        Objects.requireNonNull(arrival);
        Objects.requireNonNull(original);
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a delivery report is about at least one recipient");
        }
        if (recipients.stream().map(Entry::action).distinct().count() > 1) {
            throw new IllegalArgumentException("one report, one action: failed, delayed and delivered go apart");
        }
    }

    /** What became of a recipient (RFC 3464, 2.3.3); the three this server reports. */
    public enum Action {
        FAILED("failed"), DELAYED("delayed"), DELIVERED("delivered");

        private final String field;

        Action(String field) {
            this.field = field;
        }

        /** As the Action field writes it. */
        public String field() {
            return field;
        }
    }

    /**
     * One recipient's block.
     *
     * @param finalRecipient    the address as it was given in RCPT TO
     * @param originalRecipient the ORCPT's address type and address ("rfc822;bob@example.test"), decoded;
     *                          null when the client gave none
     * @param status            the enhanced status code, such as 5.1.1
     * @param diagnostic        the remote (here: this) server's reply, such as "550 5.1.1 User unknown"; null for none
     * @param willRetryUntil    for a delayed one: until when delivery is tried; else null
     */
    public record Entry(String finalRecipient, String originalRecipient, Action action, String status,
                        String diagnostic, Instant lastAttempt, Instant willRetryUntil) {
        public Entry {
            Objects.requireNonNull(finalRecipient);
            Objects.requireNonNull(action);
            if (status == null || !status.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
                throw new IllegalArgumentException("status must be an enhanced code such as 5.1.1, got " + status);
            }
            // A failure may be permanent (5) or a transient one given up on (4, as a queue that expired).
            String allowed = switch (action) {
                case FAILED -> "45";
                case DELAYED -> "4";
                case DELIVERED -> "2";
            };
            if (allowed.indexOf(status.charAt(0)) < 0) {
                throw new IllegalArgumentException("a " + action.field() + " recipient's status starts with "
                        + String.join(" or ", allowed.split("")) + ", got " + status);
            }
        }
    }
}
