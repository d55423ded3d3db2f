package dev.smtplab.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.Effect;
import dev.smtplab.server.scenario.Rule;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.SmtpReply;
import dev.smtplab.server.scenario.SmtpStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Our client against our server: every exit code smtplab send documents, provoked for real. */
class ClientExitCodeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private FakeSmtpServer server;

    private int start(String... presets) {
        Scenario.Builder scenario = Scenario.builder();
        for (String preset : presets) {
            scenario.preset(preset);
        }
        return start(scenario.build());
    }

    private int start(Scenario scenario) {
        server = FakeSmtpServer.builder().scenario(scenario).build().start();
        return server.port();
    }

    private int startWith(Rule rule) {
        return start(Scenario.builder().rule(rule).build());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void exit_0_sent_and_the_server_has_exactly_that_message() throws Exception {
        int port = start();
        ClientRun run = ClientRun.send(port, "--to", "bob@example.test", "--subject", "Hello", "--body", "Hi Bob",
                "--cc", "carol@example.test",
                "--bcc", "dave@example.test", "--header", "X-Test: 1");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).matches("sent to 127\\.0\\.0\\.1:\\d+: 250 2\\.0\\.0 Ok: queued as 1\\n");
        RecordedMessage message = server.takeMessage(WAIT);
        assertThat(message.acceptedRecipients()).containsExactly("bob@example.test", "carol@example.test", "dave@example.test");
        assertThat(message.subject()).contains("Hello");
        assertThat(message.header("X-Test")).contains("1");
        assertThat(message.header("Cc")).contains("carol@example.test");
        assertThat(message.header("Bcc")).isEmpty();
        assertThat(message.dataAsString()).contains("Hi Bob");
    }

    @Test
    void exit_1_usage_error_is_one_line() {
        ClientRun run = ClientRun.of("send", "--server", "127.0.0.1:2525", "--from", "a@example.test");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("smtplab send: no recipient: give --to, --cc or --bcc (see smtplab send --help)\n");
        ClientRun bogus = ClientRun.of("send", "--server", "x", "--from", "a@x.test", "--bogus");
        assertThat(bogus.exitCode()).isEqualTo(1);
        assertThat(bogus.err()).hasLineCount(1).contains("Unknown option: '--bogus'");
        assertThat(ClientRun.of("send", "--server", "127.0.0.1:99999", "--from", "a@x.test", "--to", "b@x.test").err())
                .isEqualTo("smtplab send: \"127.0.0.1:99999\": the port must be a number from 1 to 65535 "
                        + "(see smtplab send --help)\n");
        assertThat(ClientRun.of("send", "--server", "127.0.0.1:2525", "--from", "a@x.test", "--to", "b@x.test",
                "--quit-after", "lunch").err()).isEqualTo("smtplab send: Invalid value for option '--quit-after': "
                + "expected one of [CONNECT, BANNER, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA] (case-insensitive) "
                + "but was 'lunch' (see smtplab send --help)\n");
        assertThat(ClientRun.of("send", "--server", "127.0.0.1:2525", "--from", "a@x.test", "--to", "b@x.test",
                "--auth-user", "alice", "--auth-password", "x", "--auth-mech", "digest-md5").err())
                .isEqualTo("smtplab send: Invalid value for option '--auth-mech': 'digest-md5' is not a mechanism this "
                        + "client speaks: use plain, login or cram-md5 (see smtplab send --help)\n");
    }

    @Test
    void body_from_a_file_with_an_at_sign_as_the_readme_shows(@TempDir Path folder) throws Exception {
        int port = start();
        Path report = folder.resolve("report.txt");
        Files.writeString(report, "Numbers are up.\n");
        ClientRun run = ClientRun.send(port, "--subject", "Report", "--body", "@" + report);
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(server.takeMessage(WAIT).dataAsString()).contains("Numbers are up.");
        ClientRun missing = ClientRun.send(port, "--body", "@" + folder.resolve("nope.txt"));
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("smtplab send: --body @" + folder.resolve("nope.txt")
                + ": no such readable file (see smtplab send --help)\n");
    }

    @Test
    void quit_after_and_auth_mech_take_any_case() throws Exception {
        int port = startWith(Rule.at("ok", SmtpStage.AUTH, new Effect.Reply(SmtpReply.parse("235 2.7.0 Authenticated"))));
        ClientRun run = ClientRun.send(port, "--auth-user", "alice", "--auth-password", "s3cret", "--auth-mech",
                "Plain", "--quit-after", "AUTH");
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith("stopped as asked after auth");
    }

    @Test
    void help_lists_every_exit_code_from_the_one_enum() {
        String help = ClientRun.of("send", "--help").out();
        for (dev.smtplab.client.send.ExitCode code : dev.smtplab.client.send.ExitCode.values()) {
            assertThat(help).containsPattern("(?m)^\\s+" + code.code() + "\\s+" + java.util.regex.Pattern.quote(code.meaning()));
        }
    }

    @Test
    void exit_2_connection_refused() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        ClientRun run = ClientRun.send(port);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("smtplab send: connection refused: nothing listens on port " + port
                + " at 127.0.0.1\nhint: ");
    }

    @Test
    void exit_3_connect_timed_out_on_a_blocked_port() {
        int port = start("blocked");
        ClientRun run = ClientRun.send(port, "--timeout-connect", "1");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).startsWith("smtplab send: no answer from 127.0.0.1 port " + port
                + " after 1 s: a firewall may be dropping traffic to port " + port);
    }

    @Test
    void exit_4_name_not_found() {
        ClientRun run = ClientRun.of("send", "--server", "no-such-host.smtplab.test:25", "--from", "a@example.test",
                "--to", "b@example.test");
        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.err()).startsWith("smtplab send: host name not found: no-such-host.smtplab.test does not "
                + "resolve to an address");
    }

    @Test
    void exit_5_tls_spoken_to_a_plain_port() {
        int port = start();
        ClientRun run = ClientRun.send(port, "--tls", "--port", Integer.toString(port));
        assertThat(run.exitCode()).isEqualTo(5);
        assertThat(run.err()).contains("TLS failed with 127.0.0.1:" + port);
    }

    @Test
    void exit_6_connection_closed_unexpectedly() {
        int port = startWith(Rule.at("rst", SmtpStage.MAIL, new Effect.Reset()));
        ClientRun run = ClientRun.send(port);
        assertThat(run.exitCode()).isEqualTo(6);
        assertThat(run.err()).contains("at mail");
    }

    @Test
    void exit_7_no_reply_in_time() {
        int port = startWith(Rule.at("mute", SmtpStage.MAIL, new Effect.Silence()));
        ClientRun run = ClientRun.send(port, "--timeout-reply", "1");
        assertThat(run.exitCode()).isEqualTo(7);
        assertThat(run.err()).startsWith("smtplab send: no reply within 1 s at mail: the server stopped answering");
    }

    @Test
    void exit_21_banner_refused() {
        int port = start("reject-connection");
        ClientRun run = ClientRun.send(port);
        assertThat(run.exitCode()).isEqualTo(21);
        assertThat(run.err()).startsWith("smtplab send: the server refused the session: 5.7.1 Connection rejected");
    }

    @Test
    void exit_22_ehlo_refused() {
        int port = startWith(Rule.at("no-ehlo", SmtpStage.HELO, new Effect.Reply(SmtpReply.parse("550 5.7.1 Go away"))));
        ClientRun run = ClientRun.send(port);
        assertThat(run.exitCode()).isEqualTo(22);
        assertThat(run.err()).startsWith("smtplab send: EHLO was refused: 550 5.7.1 Go away");
    }

    @Test
    void ehlo_not_implemented_falls_back_to_helo() throws Exception {
        int port = startWith(Rule.at("old", SmtpStage.HELO, new Effect.Reply(SmtpReply.parse("502 5.5.1 No EHLO")))
                .when(new dev.smtplab.server.scenario.Match.Verb(java.util.List.of("EHLO"))));
        assertThat(ClientRun.send(port).exitCode()).isZero();
        assertThat(server.takeMessage(WAIT).helo()).isPresent();
    }

    @Test
    void exit_23_mail_from_refused_with_a_hint() {
        int port = start();
        ClientRun run = ClientRun.of("send", "--server", "127.0.0.1:" + port, "--from", "reject-553-5.1.7@example.test",
                "--to", "bob@example.test");
        assertThat(run.exitCode()).isEqualTo(23);
        assertThat(run.err()).isEqualTo("smtplab send: MAIL FROM was refused: 553 5.1.7 <reject-553-5.1.7@example.test>: "
                + "rejected as its magic local part asks\nhint: check the address: it may be malformed or not allowed here\n");
    }

    @Test
    void exit_24_every_recipient_refused_but_not_when_one_is_accepted() {
        int port = start("unknown-recipient:addresses=bob@example.test");
        ClientRun run = ClientRun.send(port);
        assertThat(run.exitCode()).isEqualTo(24);
        assertThat(run.err()).startsWith("smtplab send: every recipient was refused: bob@example.test: 550 5.1.1")
                .contains("hint: check the address for typos");
        ClientRun partly = ClientRun.send(port, "--to", "bob@example.test", "--to", "carol@example.test");
        assertThat(partly.exitCode()).isZero();
        assertThat(partly.err()).startsWith("smtplab send: refused recipient bob@example.test: 550 5.1.1");
    }

    @Test
    void with_lang_ja_what_went_wrong_and_the_hint_are_japanese_and_json_stays_english() throws Exception {
        int port = start("unknown-recipient:addresses=bob@example.test");
        ClientRun run = ClientRun.send(port, "--lang", "ja");
        assertThat(run.exitCode()).isEqualTo(24);
        assertThat(run.err()).startsWith("smtplab send: すべての受信者が拒否されました: bob@example.test: 550 5.1.1")
                .contains("\nヒント: アドレスに打ち間違いがないか確認してください\n");
        ClientRun partly = ClientRun.send(port, "--lang", "ja", "--to", "bob@example.test", "--to", "carol@example.test");
        assertThat(partly.exitCode()).isZero();
        assertThat(partly.out()).startsWith("127.0.0.1:" + port + " に送信しました: 250 2.0.0 Ok: queued as ");
        assertThat(partly.err()).startsWith("smtplab send: 拒否された受信者: bob@example.test: 550 5.1.1");
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        ClientRun refused = ClientRun.of("send", "--server", "127.0.0.1:" + closed, "--lang", "ja",
                "--from", "a@example.test", "--to", "b@example.test");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).startsWith("smtplab send: 接続拒否: 127.0.0.1 のポート ").contains("ヒント: ホストとポートを確認");
        ClientRun json = ClientRun.send(port, "--lang", "ja", "--json");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("error").asText())
                .startsWith("every recipient was refused: bob@example.test: 550 5.1.1");
        assertThat(ClientRun.send(port, "--lang", "klingon").err()).contains("klingon");
    }

    @Test
    void exit_25_data_refused() {
        int port = startWith(Rule.at("no-data", SmtpStage.DATA, new Effect.Reply(SmtpReply.parse("554 5.5.1 No"))));
        assertThat(ClientRun.send(port).exitCode()).isEqualTo(25);
    }

    @Test
    void exit_26_message_refused_after_the_dot() {
        int port = start("spam-rejected");
        ClientRun run = ClientRun.send(port);
        assertThat(run.exitCode()).isEqualTo(26);
        assertThat(run.err()).startsWith("smtplab send: the message was refused after the final dot: 554 5.7.1 Message "
                + "rejected as spam by content filter\nhint: look at the content");
    }

    @Test
    void exit_28_auth_refused() {
        int port = startWith(Rule.at("bad-password", SmtpStage.AUTH,
                new Effect.Reply(SmtpReply.parse("535 5.7.8 Authentication credentials invalid"))));
        ClientRun run = ClientRun.send(port, "--auth-user", "alice", "--auth-password", "wrong", "--auth-mech", "PLAIN");
        assertThat(run.exitCode()).isEqualTo(28);
        assertThat(run.err()).startsWith("smtplab send: AUTH PLAIN was refused: 535 5.7.8");
    }

    @Test
    void exit_29_starttls_not_offered() {
        int port = start();
        ClientRun run = ClientRun.send(port, "--starttls");
        assertThat(run.exitCode()).isEqualTo(29);
        assertThat(run.err()).startsWith("smtplab send: the server does not offer STARTTLS");
        assertThat(ClientRun.send(port, "--starttls-optional").exitCode()).as("optional goes on in plain text").isZero();
    }

    @Test
    void quit_after_rcpt_stops_politely_and_sends_no_message() throws Exception {
        int port = start();
        ClientRun run = ClientRun.send(port, "--quit-after", "rcpt");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("stopped as asked after rcpt with 127.0.0.1:");
        var session = server.awaitSession(s -> s.ended().isPresent(), WAIT);
        assertThat(session.transcriptText()).contains("C: RCPT TO:<bob@example.test>\nS: 250 2.1.5 Ok\nC: QUIT\n");
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void transcript_marks_directions_and_masks_secrets_unless_asked() {
        int port = startWith(Rule.at("ok", SmtpStage.AUTH, new Effect.Reply(SmtpReply.parse("235 2.7.0 Authenticated"))));
        ClientRun run = ClientRun.send(port, "--auth-user", "alice", "--auth-password", "s3cret", "--auth-mech", "PLAIN",
                "--transcript");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("\\d+ ms <-  220 localhost ESMTP SMTP Lab")
                .containsPattern("\\d+ ms  -> EHLO ")
                .contains(" -> AUTH PLAIN ****")
                .doesNotContain("AGFsaWNlAHMzY3JldA==");
        ClientRun shown = ClientRun.send(port, "--auth-user", "alice", "--auth-password", "s3cret", "--auth-mech", "PLAIN",
                "--transcript", "--show-secrets");
        assertThat(shown.out()).contains(" -> AUTH PLAIN AGFsaWNlAHMzY3JldA==");
    }

    @Test
    void json_describes_every_stage_and_the_result() throws Exception {
        int port = start("greylist");
        ClientRun run = ClientRun.send(port, "--json");
        assertThat(run.exitCode()).isEqualTo(24);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("result").asText()).isEqualTo("failed");
        assertThat(json.get("exitCode").asInt()).isEqualTo(24);
        assertThat(json.get("server").asText()).isEqualTo("127.0.0.1:" + port);
        JsonNode rcpt = null;
        for (JsonNode stage : json.get("stages")) {
            if (stage.get("stage").asText().equals("rcpt")) {
                rcpt = stage;
            }
        }
        assertThat(rcpt).as("the rcpt stage in %s", json).isNotNull();
        assertThat(rcpt.get("code").asInt()).isEqualTo(451);
        assertThat(rcpt.get("enhancedCode").asText()).isEqualTo("4.7.1");
        assertThat(rcpt.get("temporary").asBoolean()).isTrue();
        assertThat(rcpt.get("permanent").asBoolean()).isFalse();
        assertThat(rcpt.get("command").asText()).isEqualTo("RCPT TO:<bob@example.test>");
        assertThat(json.get("hint").asText()).isEqualTo("retry after a few minutes; a real mail server does this by itself");
    }

    @Test
    void attachments_and_raw_data_files_are_sent(@TempDir Path folder) throws Exception {
        int port = start();
        Path attachment = folder.resolve("report.csv");
        Files.writeString(attachment, "a,b\n1,2\n");
        assertThat(ClientRun.send(port, "--attach", attachment.toString()).exitCode()).isZero();
        RecordedMessage withAttachment = server.takeMessage(WAIT);
        var parts = (jakarta.mail.internet.MimeMultipart) withAttachment.toMimeMessage().getContent();
        assertThat(parts.getBodyPart(1).getFileName()).isEqualTo("report.csv");

        Path raw = folder.resolve("raw.eml");
        Files.writeString(raw, "Subject: raw\n\n.starts with a dot\nend\n");
        assertThat(ClientRun.send(port, "--data", raw.toString()).exitCode()).isZero();
        assertThat(server.takeMessage(WAIT).dataAsString()).isEqualTo("Subject: raw\r\n\r\n.starts with a dot\r\nend\r\n");

        ClientRun missing = ClientRun.send(port, "--attach", folder.resolve("nope.pdf").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("smtplab send: --attach " + folder.resolve("nope.pdf") + ": no such readable file (see smtplab send --help)\n");
    }

    @Test
    void load_mode_sends_every_message_and_reports_rates_and_failures() throws Exception {
        int port = start(Scenario.builder().rule(Rule.at("every-fifth", SmtpStage.RCPT,
                new Effect.Reply(SmtpReply.parse("451 4.3.0 Try later"))).on(new dev.smtplab.server.scenario.Schedule.EveryNth(5)))
                .build());
        ClientRun run = ClientRun.send(port, "--count", "50", "--concurrency", "4");
        assertThat(run.out()).containsPattern("sent 40 of 50 messages to 127\\.0\\.0\\.1:\\d+ in [\\d.]+ s over 4 "
                + "connection\\(s\\): [\\d.]+ msgs/s; latency p50 [\\d.]+ ms, p95 [\\d.]+ ms, p99 [\\d.]+ ms; failures: 451 x10");
        assertThat(run.exitCode()).isEqualTo(26);
        assertThat(server.awaitMessages(40, WAIT)).hasSize(40);
        assertThat(server.sessions()).hasSize(4);
    }
}
