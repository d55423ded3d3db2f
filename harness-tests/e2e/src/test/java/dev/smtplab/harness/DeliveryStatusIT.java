package dev.smtplab.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SMTP Lab's delivery status notifications read by independent parsers and taken by a real MTA:
 * Python's email package finds the report's parts and each field, and Postfix accepts the report
 * from the null sender, as it would a bounce coming back to a domain it serves.
 */
@Timeout(120)
class DeliveryStatusIT {
    private static FakeSmtpServer lab;
    private static byte[] bounce;

    @BeforeAll
    static void bounce() throws Exception {
        lab = FakeSmtpServer.builder().hostName("mx.example.test")
                .scenario(Scenario.builder().preset("bounce-later:addresses=bob@*;after=0s").build()).build().start();
        Dialogues.wholeReplies(lab.port(), List.of("EHLO client.example.test",
                "MAIL FROM:<alice@example.test> ENVID=QQ314159", "RCPT TO:<bob@example.test> ORCPT=rfc822;bob@example.test",
                "DATA", "Message-ID: <n1@example.test>", "Subject: news", "", "..a line that starts with a dot", ".",
                "QUIT"));
        RecordedMessage report = lab.awaitMessage(message -> message.mailFrom().isEmpty(), Duration.ofSeconds(5));
        bounce = report.data();
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.stop();
        }
    }

    @Test
    void pythons_email_package_reads_the_report_field_by_field() throws Exception {
        Peers.program("python3", "python3");
        Path file = Files.createTempFile("dsn", ".eml");
        Files.write(file, bounce);
        String script = String.join("\n",
                "import email, json, sys",
                "m = email.message_from_binary_file(open(sys.argv[1], 'rb'))",
                "parts = m.get_payload()",
                "status = parts[1].get_payload()",
                "print(json.dumps({'type': m.get_content_type(), 'report': m.get_param('report-type'),",
                "  'defects': [str(d) for d in m.defects], 'parts': [p.get_content_type() for p in parts],",
                "  'fields': [dict(g.items()) for g in status],",
                "  'returned': parts[2].get_payload()[0]['Subject']}))");
        Process python = new ProcessBuilder(Peers.python(), "-c", script, file.toString()).redirectErrorStream(true)
                .start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        JsonNode read = new ObjectMapper().readTree(output);
        assertThat(read.get("type").asText()).isEqualTo("multipart/report");
        assertThat(read.get("report").asText()).isEqualTo("delivery-status");
        assertThat(read.get("defects")).isEmpty();
        assertThat(read.get("parts").toString()).isEqualTo("[\"text/plain\",\"message/delivery-status\","
                + "\"message/rfc822\"]");
        JsonNode perMessage = read.get("fields").get(0);
        assertThat(perMessage.get("Reporting-MTA").asText()).isEqualTo("dns; mx.example.test");
        assertThat(perMessage.get("Original-Envelope-Id").asText()).isEqualTo("QQ314159");
        JsonNode bob = read.get("fields").get(1);
        assertThat(bob.get("Final-Recipient").asText()).isEqualTo("rfc822; bob@example.test");
        assertThat(bob.get("Original-Recipient").asText()).isEqualTo("rfc822;bob@example.test");
        assertThat(bob.get("Action").asText()).isEqualTo("failed");
        assertThat(bob.get("Status").asText()).isEqualTo("5.1.1");
        assertThat(bob.get("Diagnostic-Code").asText()).startsWith("smtp; 550 5.1.1 <bob@example.test>");
        assertThat(read.get("returned").asText()).isEqualTo("news");
    }

    @Test
    void postfix_takes_the_report_from_the_null_sender() throws Exception {
        try (PostfixPeer postfix = PostfixPeer.start()) {
            List<String> lines = new ArrayList<>(List.of("EHLO mx.example.test", "MAIL FROM:<>",
                    "RCPT TO:<root@example.test>", "DATA"));
            for (String line : new String(bounce, StandardCharsets.UTF_8).split("\r\n")) {
                lines.add(line.startsWith(".") ? "." + line : line);
            }
            lines.add(".");
            lines.add("QUIT");
            List<String> replies = Dialogues.wholeReplies(postfix.port(), lines);
            assertThat(replies.get(2)).isEqualTo("250 2.1.0 Ok");
            assertThat(replies.get(5)).startsWith("250 2.0.0 Ok: queued as");
            postfix.awaitLog("from=<>");
        }
    }
}
