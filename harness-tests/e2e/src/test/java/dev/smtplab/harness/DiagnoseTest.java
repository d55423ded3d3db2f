package dev.smtplab.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** smtplab mx and smtplab diagnose against our server's presets and a DNS server of the test's own. */
class DiagnoseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path data;
    private TestDnsServer dns;
    private FakeSmtpServer server;

    @BeforeEach
    void start() throws Exception {
        dns = new TestDnsServer()
                .add("example.test. 300 IN MX 20 mx2.example.test.")
                .add("example.test. 300 IN MX 10 mx1.example.test.")
                .add("mx1.example.test. 300 IN A 127.0.0.1")
                .add("mx2.example.test. 300 IN A 127.0.0.1")
                .add("mx2.example.test. 300 IN AAAA ::1")
                .add("implicit.test. 300 IN A 127.0.0.1")
                .add("v4only.test. 300 IN MX 10 mx1.example.test.")
                .add("nomail.test. 300 IN MX 0 .")
                .add("1.0.0.127.in-addr.arpa. 300 IN PTR mx1.example.test.")
                .add("two.test. 300 IN MX 10 mail.example.test.")
                .add("mail.example.test. 300 IN A 127.0.0.2")
                .add("wrong.test. 300 IN MX 10 wrong.example.test.")
                .add("wrong.example.test. 300 IN A 127.0.0.1");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        dns.close();
    }

    private FakeSmtpServer startSmtp(String... presets) {
        Scenario.Builder scenario = Scenario.builder();
        for (String preset : presets) {
            scenario.preset(preset);
        }
        server = FakeSmtpServer.builder().hostName("mx1.example.test").tls(TlsMaterial.localCa(data, "mx1.example.test"))
                .implicitTlsPort(0).scenario(scenario.build()).build().start();
        return server;
    }

    private ClientRun diagnose(String... args) {
        List<String> all = new ArrayList<>(List.of("diagnose", "--dns-server", dns.address(), "--timeout-connect", "1"));
        if (!List.of(args).contains("--timeout-reply")) {
            all.addAll(List.of("--timeout-reply", "2"));
        }
        all.addAll(List.of(args));
        return ClientRun.of(all.toArray(String[]::new));
    }

    @Test
    void mx_lists_hosts_by_preference_with_addresses() throws Exception {
        ClientRun run = ClientRun.of("mx", "example.test", "--dns-server", dns.address());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("""
                PREF  HOST                                     ADDRESSES
                10    mx1.example.test                         127.0.0.1
                20    mx2.example.test                         127.0.0.1 ::1
                """);
        JsonNode json = JSON.readTree(ClientRun.of("mx", "example.test", "--dns-server", dns.address(), "--json").out());
        assertThat(json.get("hosts").get(0).get("host").asText()).isEqualTo("mx1.example.test");
        assertThat(json.get("hosts").get(1).get("ipv6").get(0).asText()).isEqualTo("::1");
    }

    @Test
    void mx_reports_implicit_null_and_missing_domains() {
        ClientRun implicit = ClientRun.of("mx", "implicit.test", "--dns-server", dns.address());
        assertThat(implicit.exitCode()).isZero();
        assertThat(implicit.out()).startsWith("implicit.test: no MX record; implicit MX: the domain's own address receives mail\n")
                .contains("127.0.0.1");
        ClientRun nullMx = ClientRun.of("mx", "nomail.test", "--dns-server", dns.address());
        assertThat(nullMx.exitCode()).isEqualTo(12);
        assertThat(nullMx.out()).isEqualTo("nomail.test: null MX (RFC 7505): this domain accepts no mail\n");
        ClientRun missing = ClientRun.of("mx", "missing.test", "--dns-server", dns.address());
        assertThat(missing.exitCode()).isEqualTo(12);
        assertThat(missing.out()).isEqualTo("missing.test: the domain missing.test does not exist (NXDOMAIN)\n");
        assertThat(ClientRun.of("mx", "x.test", "--dns-server", "dns.example:53").err())
                .isEqualTo("smtplab mx: --dns-server dns.example:53: give an IP address, such as 127.0.0.1:5353 (see smtplab mx --help)\n");
    }

    @Test
    void record_captures_the_first_server_that_greets_and_its_replay_answers_the_same() throws Exception {
        server = FakeSmtpServer.builder().hostName("mx1.example.test").tls(TlsMaterial.localCa(data, "mx1.example.test"))
                .authAcceptAny().scenario(Scenario.builder().personality(
                        dev.smtplab.server.scenario.Personality.builtIn("exim"))
                        .preset("unknown-recipient:addresses=nobody@*").build()).build().start();
        Path file = data.resolve("mx.yaml");
        ClientRun run = diagnose("example.test", "--ports", Integer.toString(server.port()), "--ca-file",
                data.resolve("ca.pem").toString(),
                "--from", "alice@example.test", "--to", "nobody@example.test", "--auth-user", "alice",
                "--auth-password", "s3cret", "--record", file.toString());
        assertThat(run.out()).contains("smtplab diagnose: recorded how mx1.example.test:" + server.port()
                + " answers into " + file);
        String recording = java.nio.file.Files.readString(file);
        // Never the secret, nor AUTH's line: only the server's replies and the envelope's addresses.
        assertThat(recording).doesNotContain("s3cret").doesNotContain(java.util.Base64.getEncoder()
                .encodeToString("\0alice\0s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Scenario recorded = dev.smtplab.server.scenario.RulesFile.read(file);
        var personality = recorded.personality().orElseThrow();
        assertThat(personality.greeting()).isEqualTo("220 mx1.example.test ESMTP Exim 4.96 {date}");
        assertThat(personality.ehlo().get(0)).isEqualTo("mx1.example.test Hello {helo} [{client}]");
        assertThat(personality.ehlo()).contains("STARTTLS");
        assertThat(personality.ehlo()).doesNotContain("AUTH PLAIN LOGIN");
        assertThat(personality.ehloOverTls()).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
        assertThat(personality.replies()).containsKeys(dev.smtplab.server.scenario.Personality.Reply.MAIL,
                dev.smtplab.server.scenario.Personality.Reply.RSET, dev.smtplab.server.scenario.Personality.Reply.AUTH,
                dev.smtplab.server.scenario.Personality.Reply.STARTTLS)
                .doesNotContainKey(dev.smtplab.server.scenario.Personality.Reply.DATA);
        assertThat(recorded.rules()).singleElement().satisfies(rule -> assertThat(rule.id()).isEqualTo("recorded-rcpt-1"));

        FakeSmtpServer replay = FakeSmtpServer.builder().scenario(recorded).build().start();
        try {
            List<String> dialogue = List.of("EHLO client.example.test", "MAIL FROM:<alice@example.test>",
                    "RCPT TO:<nobody@example.test>", "RSET", "QUIT");
            List<String> real = Dialogues.wholeReplies(server.port(), dialogue);
            List<String> replayed = Dialogues.wholeReplies(replay.port(), dialogue);
            // The greeting's date is the moment's; the rest is word for word (no TLS in the replay: no STARTTLS).
            assertThat(replayed.get(0).replaceAll("\\d{2}:\\d{2}:\\d{2}", "T"))
                    .isEqualTo(real.get(0).replaceAll("\\d{2}:\\d{2}:\\d{2}", "T"));
            assertThat(replayed.subList(2, replayed.size())).isEqualTo(real.subList(2, real.size()));
        } finally {
            replay.stop();
        }

        ClientRun nobody = diagnose("127.0.0.1:" + freePortForDiagnose(), "--record", file.toString());
        assertThat(nobody.out()).contains("nothing to record, as no server greeted");
        assertThat(diagnose("127.0.0.1:1", "--record", data.resolve("missing/x.yaml").toString()).err())
                .contains("--record " + data.resolve("missing/x.yaml") + ": cannot write there");
    }

    private static int freePortForDiagnose() throws Exception {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    @Test
    void domain_checks_every_mx_host_and_port_with_tls_and_the_sender() throws Exception {
        startSmtp();
        ClientRun run = diagnose("example.test", "--ports", server.port() + "," + server.implicitTlsPort(),
                "--implicit-tls-ports", Integer.toString(server.implicitTlsPort()), "--ca-file",
                data.resolve("ca.pem").toString(), "--from", "alice@example.test", "--to", "bob@example.test");
        assertThat(run.out()).contains("mx1.example.test:" + server.port() + "  ").contains("open")
                .contains("220 (").contains("TLSv1.3 verified").contains("MAIL 250, RCPT 250");
        assertThat(run.out()).contains("Verdict: ");
        JsonNode json = JSON.readTree(diagnose("example.test", "--ports", Integer.toString(server.port()), "--ca-file",
                data.resolve("ca.pem").toString(), "--json").out());
        assertThat(json.get("mx").get("hosts")).hasSize(2);
        JsonNode check = json.get("checks").get(0);
        assertThat(check.get("connect").asText()).isEqualTo("open");
        assertThat(check.get("banner").get("code").asInt()).isEqualTo(220);
        assertThat(check.get("banner").get("lines").get(0).asText()).startsWith("mx1.example.test");
        assertThat(check.get("banner").fieldNames()).toIterable().containsExactly("code", "lines");
        assertThat(check.get("tlsKind").asText()).isEqualTo("starttls");
        assertThat(check.get("failure").isNull()).isTrue();
        assertThat(check.get("tls").get("verified").asBoolean()).isTrue();
        assertThat(check.get("tls").get("subjectAlternativeNames").toString()).contains("mx1.example.test");
        assertThat(check.get("capabilities").toString()).contains("STARTTLS");
        assertThat(check.get("capabilitiesAfterTls").toString()).as("RFC 3207, 4.2").doesNotContain("STARTTLS");
        assertThat(check.get("reverseDns").asText()).isEqualTo("mx1.example.test");
        assertThat(check.get("reverseMatchesBanner").asBoolean()).isTrue();
    }

    @Test
    void capabilities_are_explained_and_the_certificate_shown() throws Exception {
        startSmtp();
        ClientRun run = diagnose("127.0.0.1:" + server.port(), "--ca-file", data.resolve("ca.pem").toString());
        assertThat(run.out()).contains("  SIZE 26214400: messages up to 25.0 MB are accepted")
                .contains("  8BITMIME: 8-bit message bodies are accepted (BODY=8BITMIME)")
                .contains("  certificate: CN=mx1.example.test,O=SMTP Lab; names mx1.example.test, localhost, 127.0.0.1")
                .containsPattern("  SHA-256: ([0-9A-F]{2}:){31}[0-9A-F]{2}")
                .contains("  verifies for 127.0.0.1: yes");
    }

    @Test
    void with_lang_ja_the_report_is_japanese_while_json_stays_english() throws Exception {
        startSmtp();
        ClientRun run = diagnose("127.0.0.1:" + server.port(), "--ca-file", data.resolve("ca.pem").toString(),
                "--lang", "ja");
        assertThat(run.out()).contains("  SIZE 26214400: 25.0 MB までのメッセージを受け付けます")
                .contains("  証明書: CN=mx1.example.test,O=SMTP Lab、名前 mx1.example.test, localhost, 127.0.0.1")
                .contains("  127.0.0.1 として検証: できました")
                .contains("見つかったこと (深刻な順):")
                .contains("判定: 問題なし: 1 組のホストとポートのうち 1 組が応答し、おかしな点はありません");
        ClientRun json = diagnose("127.0.0.1:" + server.port(), "--ca-file", data.resolve("ca.pem").toString(),
                "--lang", "ja", "--json");
        assertThat(json.out()).contains("\"verdict\":\"looks good: 1 of 1 host:port pairs answer");
        assertThat(ClientRun.of("diagnose", "127.0.0.1:1", "--lang", "fr").err())
                .contains("smtplab diagnose: ").contains("fr");
    }

    @Test
    void slow_banner_helo_fallback_and_reverse_dns_mismatch_are_findings() throws Exception {
        dns.add("2.0.0.127.in-addr.arpa. 300 IN PTR elsewhere.test.");
        server = FakeSmtpServer.builder().hostName("mx1.example.test").bindAddress(InetAddress.getByName("127.0.0.2"))
                .scenario(Scenario.builder()
                        .rule(dev.smtplab.server.scenario.Rule.at("greet-pause", dev.smtplab.server.scenario.SmtpStage.CONNECT,
                                new dev.smtplab.server.scenario.Effect.Delay(java.time.Duration.ofMillis(3200))))
                        .rule(dev.smtplab.server.scenario.Rule.at("old", dev.smtplab.server.scenario.SmtpStage.HELO,
                                new dev.smtplab.server.scenario.Effect.Reply(dev.smtplab.server.scenario.SmtpReply.parse("502 5.5.1 No")))
                                .when(new dev.smtplab.server.scenario.Match.Verb(List.of("EHLO"))))
                        .build()).build().start();
        ClientRun run = diagnose("127.0.0.2:" + server.port(), "--timeout-reply", "5");
        assertThat(run.exitCode()).isEqualTo(10);
        assertThat(run.out()).contains("HELO only")
                .containsPattern("WARNING  127\\.0\\.0\\.2:\\d+: slow banner: 3\\d{3} ms")
                .contains("EHLO is refused; only HELO works (no extensions)")
                .contains("reverse DNS of 127.0.0.2 is elsewhere.test, but the banner names mx1.example.test");
    }

    @Test
    void login_is_tried_over_tls_and_a_refusal_is_a_finding() throws Exception {
        server = FakeSmtpServer.builder().hostName("mx1.example.test").tls(TlsMaterial.localCa(data, "mx1.example.test"))
                .authUser("alice", "s3cret").build().start();
        ClientRun good = diagnose("127.0.0.1:" + server.port(), "--ca-file", data.resolve("ca.pem").toString(),
                "--auth-user", "alice", "--auth-password", "s3cret");
        assertThat(good.out()).contains("INFO     127.0.0.1:" + server.port() + ": logged in as alice")
                .contains("AUTH is offered only after STARTTLS (as it should be)");
        ClientRun bad = diagnose("127.0.0.1:" + server.port(), "--ca-file", data.resolve("ca.pem").toString(),
                "--auth-user", "alice", "--auth-password", "nope");
        assertThat(bad.exitCode()).isEqualTo(11);
        assertThat(bad.out()).contains("login as alice refused: 535 5.7.8 Authentication credentials invalid")
                .contains("hint: check the user name and password");
    }

    @Test
    void blocked_port_is_filtered() throws Exception {
        startSmtp("blocked");
        ClientRun run = diagnose("127.0.0.1:" + server.port());
        assertThat(run.exitCode()).isEqualTo(12);
        assertThat(run.out()).contains("filtered").contains("ERROR    127.0.0.1:" + server.port() + ": no answer after")
                .contains("(filtered: a firewall drops the traffic)");
    }

    @Test
    void refused_port_is_refused() throws Exception {
        startSmtp("refused");
        ClientRun run = diagnose("127.0.0.1:" + server.port());
        assertThat(run.out()).contains("ERROR    127.0.0.1:" + server.port() + ": connection refused: nothing listens on port");
        assertThat(run.exitCode()).isEqualTo(12);
    }

    @Test
    void silent_server_has_no_banner() throws Exception {
        startSmtp("silent");
        ClientRun run = diagnose("127.0.0.1:" + server.port());
        assertThat(run.exitCode()).isEqualTo(11);
        assertThat(run.out()).contains("ERROR    127.0.0.1:" + server.port() + ": connected, but no banner within 2 s");
    }

    @Test
    void refused_sender_is_reported_and_explained() throws Exception {
        startSmtp("invalid-sender:domains=spam.test");
        ClientRun run = diagnose("127.0.0.1:" + server.port(), "--ca-file", data.resolve("ca.pem").toString(),
                "--from", "bob@spam.test");
        assertThat(run.exitCode()).isEqualTo(11);
        assertThat(run.out()).contains("the sender bob@spam.test is refused: 550 5.1.8 <bob@spam.test>: Sender address "
                + "rejected: Domain not found").contains("hint: permanent failure");
    }

    /** The certificate names mail.example.test (and 127.0.0.1, not 127.0.0.2): checked against the MX name. */
    @Test
    void an_mx_host_certificate_is_verified_for_the_mx_name_not_the_address() throws Exception {
        server = FakeSmtpServer.builder().hostName("mail.example.test").bindAddress(InetAddress.getByName("127.0.0.2"))
                .tls(TlsMaterial.localCa(data, "mail.example.test")).build().start();
        ClientRun run = diagnose("two.test", "--ports", Integer.toString(server.port()), "--ca-file",
                data.resolve("ca.pem").toString(), "--json");
        JsonNode check = JSON.readTree(run.out()).get("checks").get(0);
        assertThat(check.get("address").asText()).isEqualTo("127.0.0.2");
        assertThat(check.get("tls").get("verified").asBoolean()).as(run.out()).isTrue();
    }

    /** The certificate holds 127.0.0.1, the address connected to, but not the MX name: that is not enough. */
    @Test
    void a_certificate_that_matches_only_the_address_is_not_for_the_mx_host() throws Exception {
        startSmtp();
        ClientRun run = diagnose("wrong.test", "--ports", Integer.toString(server.port()), "--ca-file",
                data.resolve("ca.pem").toString());
        assertThat(run.out()).contains("the certificate does not verify: the server's certificate is not for "
                + "wrong.example.test");
    }

    @Test
    void an_ip_address_is_a_host_checked_on_every_port_asked() throws Exception {
        startSmtp();
        ClientRun run = diagnose("127.0.0.1", "--ports", Integer.toString(server.port()), "--ca-file",
                data.resolve("ca.pem").toString());
        assertThat(run.out()).startsWith("smtplab diagnose 127.0.0.1\n").contains("127.0.0.1:" + server.port())
                .doesNotContain("does not exist");
        assertThat(run.exitCode()).as(run.out()).isZero();
    }

    /** A healthy SMTP Lab server on this machine: its local CA (in ~/.smtplab) is trusted by default. */
    @Test
    void a_healthy_smtp_lab_server_on_this_machine_looks_good_without_any_flag() throws Exception {
        Path home = Path.of(System.getProperty("user.home"), ".smtplab");
        server = FakeSmtpServer.builder().hostName("mx1.example.test").tls(TlsMaterial.localCa(home, "mx1.example.test")).build()
                .start();
        ClientRun run = diagnose("127.0.0.1:" + server.port());
        assertThat(run.out()).contains("TLSv1.3 verified").contains("Verdict: looks good");
        assertThat(run.exitCode()).as(run.out()).isZero();
    }

    @Test
    void self_signed_certificate_does_not_verify_and_says_why() throws Exception {
        startSmtp();
        ClientRun run = diagnose("127.0.0.1:" + server.port());
        assertThat(run.exitCode()).isEqualTo(11);
        assertThat(run.out()).contains("TLSv1.3 NOT verified").contains("the certificate does not verify: the server's "
                + "certificate is not trusted: no trusted CA issued it");
    }

    @Test
    void wrong_tls_mode_is_detected_both_ways() throws Exception {
        startSmtp();
        ClientRun plainAsImplicit = diagnose("127.0.0.1:" + server.port(), "--implicit-tls-ports", Integer.toString(server.port()));
        assertThat(plainAsImplicit.out()).contains("wrong TLS mode: the port speaks plain SMTP");
        ClientRun implicitAsPlain = diagnose("127.0.0.1:" + server.implicitTlsPort());
        assertThat(implicitAsPlain.out()).contains("wrong TLS mode: the port speaks implicit TLS");
    }

    @Test
    void port_25_filtered_while_submission_answers_means_outbound_25_is_blocked() throws Exception {
        try (ServerSocket probe = new ServerSocket(25, 1, InetAddress.getLoopbackAddress())) {
            probe.close();
        } catch (java.io.IOException e) {
            assumeTrue(false, "skipped: port 25 on 127.0.0.1 is taken or not allowed here (" + e.getMessage() + ")");
        }
        try (FakeSmtpServer port25 = FakeSmtpServer.builder().port(25)
                .scenario(Scenario.builder().preset("blocked").build()).build().start();
             FakeSmtpServer submission = FakeSmtpServer.builder().build().start()) {
            ClientRun run = diagnose("v4only.test", "--ports", "25," + submission.port());
            assertThat(run.exitCode()).isEqualTo(12);
            assertThat(run.out()).contains("Verdict: critical: port 25 is filtered on every host while other ports "
                    + "answer: outbound port 25 is probably blocked by your network or provider (ask them to unblock "
                    + "it, or submit through port 587 with authentication)");
        }
    }

    @Test
    void json_matches_the_table() throws Exception {
        startSmtp("invalid-sender:domains=spam.test");
        String[] args = {"127.0.0.1:" + server.port(), "--from", "bob@spam.test"};
        ClientRun table = diagnose(args);
        List<String> extended = new ArrayList<>(List.of(args));
        extended.add("--json");
        JsonNode json = JSON.readTree(diagnose(extended.toArray(String[]::new)).out());
        assertThat(json.get("exitCode").asInt()).isEqualTo(table.exitCode());
        assertThat(table.out()).contains("Verdict: " + json.get("verdict").asText());
        for (JsonNode finding : json.get("findings")) {
            assertThat(table.out()).contains(finding.get("message").asText());
        }
    }

    @Test
    void bad_arguments_give_one_line() {
        assertThat(ClientRun.of("diagnose", "x.test", "--to", "b@x.test").err())
                .isEqualTo("smtplab diagnose: --to needs --from: the recipient is tried after MAIL FROM (see smtplab diagnose --help)\n");
        assertThat(ClientRun.of("diagnose", "x.test", "--ports", "70000").err())
                .isEqualTo("smtplab diagnose: \"--ports 70000\": the port must be a number from 1 to 65535 (see smtplab diagnose --help)\n");
    }
}
