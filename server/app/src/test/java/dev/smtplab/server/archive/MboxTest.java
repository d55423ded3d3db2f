package dev.smtplab.server.archive;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MboxTest {
    private static final String TRICKY = "Subject: quoting\r\n\r\nFrom here on, lines that look like separators:\r\n"
            + "From the start\r\n>From once quoted\r\n>>From twice\r\nFromage is not one\r\n\r\nthe end\r\n";

    @Test
    void what_is_written_reads_back_byte_for_byte() throws Exception {
        ByteArrayOutputStream mbox = new ByteArrayOutputStream();
        Mbox.write(mbox, "a@example.test", Instant.parse("2026-12-05T10:00:00Z"), TRICKY.getBytes(StandardCharsets.UTF_8));
        Mbox.write(mbox, "", Instant.parse("2026-12-05T10:00:01Z"), "Subject: two\r\n\r\nsecond\r\n".getBytes(StandardCharsets.UTF_8));
        String text = mbox.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("From a@example.test Sat Dec 5 10:00:00 2026\nSubject: quoting\n")
                .contains("\n>From the start\n>>From once quoted\n>>>From twice\nFromage is not one\n")
                .contains("\nFrom MAILER-DAEMON Sat Dec 5 10:00:01 2026\n").doesNotContain("\r");

        List<byte[]> read = Mbox.read(mbox.toByteArray());
        assertThat(read).hasSize(2);
        assertThat(new String(read.get(0), StandardCharsets.UTF_8)).isEqualTo(TRICKY);
        assertThat(new String(read.get(1), StandardCharsets.UTF_8)).isEqualTo("Subject: two\r\n\r\nsecond\r\n");
    }

    @Test
    void a_file_that_is_not_an_mbox_is_named() {
        assertThatThrownBy(() -> Mbox.read("Subject: x\n\nbody\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("not an mbox: it must start with a \"From \" line (the sender and date that begin each "
                        + "message)");
    }

    @Test
    void the_envelope_comes_from_return_path_and_delivered_to_or_from_the_headers() {
        assertThat(ImportedEnvelope.of(("Return-Path: <bounce@shop.test>\r\nDelivered-To: bob@example.test\r\n"
                + "From: Shop <news@shop.test>\r\nTo: list@example.test\r\n\r\nx\r\n").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ImportedEnvelope("bounce@shop.test", List.of("bob@example.test")));
        assertThat(ImportedEnvelope.of(("From: Shop <news@shop.test>\r\nTo: a@x.test, B <b@x.test>\r\nCc: c@x.test\r\n"
                + "\r\nx\r\n").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ImportedEnvelope("news@shop.test", List.of("a@x.test", "b@x.test", "c@x.test")));
        assertThat(ImportedEnvelope.of("Return-Path: <>\r\nTo: a@x.test\r\n\r\nx".getBytes(StandardCharsets.UTF_8))
                .mailFrom()).isEmpty();
        assertThatThrownBy(() -> ImportedEnvelope.of("To: a@x.test\r\n\r\nx".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("it has neither a Return-Path nor a From header to take the envelope sender from");
        assertThatThrownBy(() -> ImportedEnvelope.of("From: a@x.test\r\n\r\nx".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("it has no Delivered-To, X-Original-To, To, Cc or Bcc header to take the recipients from");
        assertThatThrownBy(() -> ImportedEnvelope.of("From: a@x.test\r\nTo: \"unterminated <a@x.test>\r\n\r\nx"
                .getBytes(StandardCharsets.UTF_8))).hasMessageStartingWith("its To header is not an address list: "
                + "\"unterminated <a@x.test>");
    }
}
