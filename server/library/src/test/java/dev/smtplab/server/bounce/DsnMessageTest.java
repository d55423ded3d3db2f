package dev.smtplab.server.bounce;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reports written as RFC 3464 writes its own examples, field by field; and what a report may not say. */
class DsnMessageTest {
    private static final byte[] ORIGINAL = ("Message-ID: <1@a.example>\r\nSubject: hi\r\n\r\n.dot first\r\nbody\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    /** The message/delivery-status part's field groups, as name to value, in order. */
    private static List<Map<String, String>> groups(byte[] dsn) {
        String text = new String(dsn, StandardCharsets.UTF_8);
        int start = text.indexOf("Content-Type: message/delivery-status\r\n\r\n") + 41;
        String part = text.substring(start, text.indexOf("\r\n--", start));
        return java.util.Arrays.stream(part.split("\r\n\r\n")).filter(group -> !group.isBlank()).map(group -> {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : group.strip().split("\r\n")) {
                fields.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1).trim());
            }
            return fields;
        }).toList();
    }

    private static Instant rfc5322(String date) {
        return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    }

    @Test
    void rfc_3464s_simple_dsn_example_field_by_field() {
        // RFC 3464, appendix "Example: Simple DSN" (cs.utk.edu gives up on louisl@larry.slip.umd.edu).
        Instant lastAttempt = rfc5322("Thu, 7 Jul 1994 17:15:49 -0400");
        DeliveryReport report = new DeliveryReport("cs.utk.edu", null, false, lastAttempt.minusSeconds(3600),
                "owner-info-mime@cs.utk.edu", ORIGINAL, List.of(new DeliveryReport.Entry(
                "louisl@larry.slip.umd.edu", null, DeliveryReport.Action.FAILED, "4.0.0",
                "426 connection timed out", lastAttempt, null)));
        List<Map<String, String>> groups = groups(DsnMessage.write(report, lastAttempt, "x1"));
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).containsEntry("Reporting-MTA", "dns; cs.utk.edu");
        Map<String, String> recipient = groups.get(1);
        assertThat(recipient).containsEntry("Final-Recipient", "rfc822; louisl@larry.slip.umd.edu")
                .containsEntry("Action", "failed").containsEntry("Status", "4.0.0")
                .containsEntry("Diagnostic-Code", "smtp; 426 connection timed out");
        assertThat(rfc5322(recipient.get("Last-Attempt-Date"))).isEqualTo(lastAttempt);
        // The example's fields come in the order RFC 3464 lists them.
        assertThat(List.copyOf(recipient.keySet())).containsSubsequence("Final-Recipient", "Action", "Status",
                "Diagnostic-Code", "Last-Attempt-Date");
    }

    @Test
    void rfc_3464s_multi_recipient_example_with_envid_and_orcpt() {
        // RFC 3464, "Example: Multi-Recipient DSN", its Original-Envelope-Id and Original-Recipient fields.
        DeliveryReport report = new DeliveryReport("sun2.nsfnet-relay.ac.uk", "QQ314159", true,
                Instant.parse("1994-07-07T20:12:12Z"), "sender@a.example", ORIGINAL, List.of(
                new DeliveryReport.Entry("thomas@x400.nsfnet-relay.ac.uk", "rfc822;thomas@x400.nsfnet-relay.ac.uk",
                        DeliveryReport.Action.FAILED, "5.1.1", "550 5.1.1 no such mailbox", null, null),
                new DeliveryReport.Entry("louisl@larry.slip.umd.edu", null, DeliveryReport.Action.FAILED, "5.0.0",
                        "550 failed", null, null)));
        byte[] dsn = DsnMessage.write(report, Instant.parse("1994-07-07T20:15:00Z"), "x2");
        List<Map<String, String>> groups = groups(dsn);
        assertThat(groups).hasSize(3);
        assertThat(groups.get(0)).containsEntry("Original-Envelope-Id", "QQ314159");
        assertThat(groups.get(1)).containsEntry("Original-Recipient", "rfc822;thomas@x400.nsfnet-relay.ac.uk");
        assertThat(groups.get(2)).doesNotContainKey("Original-Recipient");
        String text = new String(dsn, StandardCharsets.UTF_8);
        // RET=HDRS: the header only, as text/rfc822-headers.
        assertThat(text).contains("Content-Type: text/rfc822-headers\r\n\r\nMessage-ID: <1@a.example>\r\nSubject: hi\r\n")
                .doesNotContain("body");
    }

    @Test
    void the_whole_message_goes_back_unless_it_is_too_big_and_a_smuggled_line_break_stays_in_its_field() {
        byte[] big = new byte[DsnMessage.FULL_RETURN_LIMIT + 10];
        System.arraycopy(ORIGINAL, 0, big, 0, ORIGINAL.length);
        java.util.Arrays.fill(big, ORIGINAL.length, big.length, (byte) 'x');
        DeliveryReport report = new DeliveryReport("mx.example", "evil\r\nBcc: x", false, Instant.EPOCH, "a@a.example",
                big, List.of(new DeliveryReport.Entry("b@b.example", null, DeliveryReport.Action.FAILED, "5.1.1",
                "550 5.1.1 no", null, null)));
        String text = new String(DsnMessage.write(report, Instant.EPOCH, "x3"), StandardCharsets.UTF_8);
        assertThat(text).contains("Content-Type: text/rfc822-headers").contains("Original-Envelope-Id: evil  Bcc: x")
                .doesNotContain("\r\nBcc: x");
        String whole = new String(DsnMessage.write(new DeliveryReport("mx.example", null, false, Instant.EPOCH,
                "a@a.example", ORIGINAL, report.recipients()), Instant.EPOCH, "x4"), StandardCharsets.UTF_8);
        assertThat(whole).contains("Content-Type: message/rfc822\r\n\r\nMessage-ID: <1@a.example>").contains("body")
                .endsWith("\r\n--=_smtplab_dsn_x4_0--\r\n");
    }

    @Test
    void a_report_says_one_thing_about_each_recipient_in_its_own_status_class() {
        assertThatThrownBy(() -> new DeliveryReport.Entry("b@b.example", null, DeliveryReport.Action.DELIVERED, "5.1.1",
                null, null, null)).hasMessage("a delivered recipient's status starts with 2, got 5.1.1");
        assertThatThrownBy(() -> new DeliveryReport.Entry("b@b.example", null, DeliveryReport.Action.FAILED, "5.1",
                null, null, null)).hasMessageContaining("enhanced code such as 5.1.1");
        DeliveryReport.Entry failed = new DeliveryReport.Entry("b@b.example", null, DeliveryReport.Action.FAILED,
                "5.1.1", null, null, null);
        DeliveryReport.Entry delayed = new DeliveryReport.Entry("c@b.example", null, DeliveryReport.Action.DELAYED,
                "4.4.1", null, null, null);
        assertThatThrownBy(() -> new DeliveryReport("mx", null, false, Instant.EPOCH, "a@a", ORIGINAL,
                List.of(failed, delayed))).hasMessageContaining("one report, one action");
        assertThat(Xtext.decode("a+2Bb+3Dc+ZZd+")).isEqualTo("a+b=c+ZZd+");
    }
}
