package dev.smtplab.client.diagnose;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What each fact a probe records means, without a network: checks in, findings and a verdict out. */
class FindingsTest {
    private static final Diagnoser.Options OPTIONS = new Diagnoser.Options(List.of(25, 587), Set.of(465),
            "client.test", "alice@example.test", "bob@example.test", "alice", "secret", Duration.ofSeconds(5),
            Duration.ofSeconds(5), null, null);
    private static final Reply BANNER = Reply.of(220, "mx.example.test ESMTP");
    private static final PortCheck.Tls GOOD_TLS = new PortCheck.Tls("TLSv1.3", "TLS_AES_128_GCM_SHA256",
            "CN=mx.example.test", List.of("mx.example.test"), "CN=CA", "2027-12-01", 300, "AA:BB", true, null, null, null);

    /** A port that answered well on every step; each test changes what it is about. */
    private static Check healthy(int port) {
        return new Check(port);
    }

    private static final class Check {
        int port;
        ConnectState connect = ConnectState.OPEN;
        Reply banner = BANNER;
        long bannerMillis = 12;
        List<String> capabilities = new ArrayList<>(List.of("SIZE 10240000", "STARTTLS"));
        boolean heloFallback;
        PortCheck.Tls tls = GOOD_TLS;
        TlsKind speaksInstead;
        Reply auth;
        PortCheck.SenderCheck sender;
        String reverseDns = "mx.example.test.";
        Boolean reverseMatches = true;
        CheckFailure failure;

        Check(int port) {
            this.port = port;
        }

        PortCheck build() {
            return new PortCheck("mx.example.test", "192.0.2.1", port, port == 465 ? TlsKind.IMPLICIT : TlsKind.STARTTLS,
                    connect, 3, connect == ConnectState.OPEN ? banner : null, bannerMillis, capabilities, heloFallback,
                    tls, List.of("SIZE 10240000", "AUTH PLAIN"), speaksInstead, auth, sender, reverseDns,
                    reverseMatches, failure, null);
        }
    }

    private static final Findings ENGLISH = new Findings(Texts.of(Language.ENGLISH));

    private static List<Finding> findings(Check... checks) {
        List<Finding> findings = ENGLISH.of(null, java.util.Arrays.stream(checks).map(Check::build).toList(), OPTIONS);
        findings.sort(java.util.Comparator.comparing(Finding::severity).reversed());
        return findings;
    }

    @Test
    void a_healthy_port_gives_only_notes_and_a_good_verdict() {
        Check check = healthy(25);
        check.sender = new PortCheck.SenderCheck(Reply.of(250, "2.1.0 Ok"), Reply.of(250, "2.1.5 Ok"));
        List<Finding> findings = findings(check);
        assertThat(findings).extracting(Finding::severity).containsOnly(Severity.INFO);
        assertThat(findings).extracting(Finding::message).containsExactly("AUTH is offered only after STARTTLS (as it should be)");
        assertThat(ENGLISH.verdict(null, List.of(check.build()), findings))
                .isEqualTo("looks good: 1 of 1 host:port pairs answer and nothing is wrong");
    }

    @Test
    void port_25_filtered_while_submission_answers_is_the_blocked_port_finding_and_nothing_else_about_25() {
        Check blocked = healthy(25);
        blocked.connect = ConnectState.FILTERED;
        blocked.failure = new CheckFailure(CheckFailure.Kind.CONNECT, "no answer");
        List<Finding> findings = findings(blocked, healthy(587));
        assertThat(findings.get(0).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(findings.get(0).message()).startsWith("port 25 is filtered on every host while other ports answer");
        assertThat(findings).extracting(Finding::where).doesNotContain("mx.example.test:25");
    }

    @Test
    void each_connect_state_has_its_own_finding() {
        Check refused = healthy(25);
        refused.connect = ConnectState.REFUSED;
        Check unresolvable = healthy(587);
        unresolvable.connect = ConnectState.NAME_NOT_FOUND;
        assertThat(findings(refused, unresolvable)).extracting(Finding::severity, Finding::message).containsExactly(
                tuple(Severity.CRITICAL, "no host answered on any port checked"),
                tuple(Severity.CRITICAL, "the host name does not resolve"),
                tuple(Severity.ERROR, "connection refused: nothing listens on port 25"));
    }

    @Test
    void a_refused_greeting_a_slow_banner_and_helo_only_are_reported() {
        Check refusing = healthy(25);
        refusing.banner = Reply.of(554, "5.7.1 No SMTP service here");
        Check slow = healthy(587);
        slow.bannerMillis = 3_500;
        slow.heloFallback = true;
        slow.capabilities = new ArrayList<>();
        assertThat(findings(refusing, slow)).extracting(Finding::message).contains(
                "the server refuses sessions: 554 5.7.1 No SMTP service here",
                "slow banner: 3500 ms",
                "EHLO is refused; only HELO works (no extensions)");
    }

    @Test
    void a_port_without_starttls_and_certificates_that_fail_or_expire_are_reported() {
        Check plain = healthy(25);
        plain.capabilities = new ArrayList<>(List.of("SIZE 1000"));
        plain.tls = null;
        Check untrusted = healthy(587);
        untrusted.tls = new PortCheck.Tls("TLSv1.3", "c", "CN=x", List.of(), "CN=x", "2027", 300, "AA", false,
                "the server's certificate is not trusted", null, null);
        Check expiring = healthy(2525);
        expiring.tls = new PortCheck.Tls("TLSv1.3", "c", "CN=x", List.of(), "CN=x", "2026", 3, "AA", true, null, null, null);
        assertThat(findings(plain, untrusted, expiring)).extracting(Finding::severity, Finding::message).contains(
                tuple(Severity.WARNING, "no STARTTLS offered: mail to this port travels unencrypted"),
                tuple(Severity.ERROR, "the certificate does not verify: the server's certificate is not trusted"),
                tuple(Severity.WARNING, "the certificate expires in 3 days"));
    }

    @Test
    void an_unverified_certificate_is_a_warning_on_port_25_and_an_error_for_submission() {
        PortCheck.Tls untrusted = new PortCheck.Tls("TLSv1.3", "c", "CN=x", List.of(), "CN=x", "2027", 300, "AA", false,
                "the server's certificate is not trusted", null, null);
        Check relay = healthy(25);
        relay.tls = untrusted;
        Check submission = healthy(587);
        submission.tls = untrusted;
        assertThat(findings(relay, submission)).filteredOn(f -> f.message().startsWith("the certificate does not verify"))
                .extracting(Finding::where, Finding::severity).containsExactly(
                        tuple("mx.example.test:587", Severity.ERROR),
                        tuple("mx.example.test:25", Severity.WARNING));
    }

    @Test
    void a_port_that_speaks_the_other_tls_mode_gets_one_finding_that_says_which() {
        Check implicitOnStartTls = healthy(587);
        implicitOnStartTls.banner = null;
        implicitOnStartTls.tls = null;
        implicitOnStartTls.speaksInstead = TlsKind.IMPLICIT;
        implicitOnStartTls.failure = new CheckFailure(CheckFailure.Kind.NO_BANNER_IN_TIME, "5 s");
        Check plainOnImplicit = healthy(465);
        plainOnImplicit.banner = null;
        plainOnImplicit.tls = null;
        plainOnImplicit.speaksInstead = TlsKind.STARTTLS;
        plainOnImplicit.failure = new CheckFailure(CheckFailure.Kind.TLS_FAILED, "the server did not answer in TLS");
        List<Finding> findings = findings(implicitOnStartTls, plainOnImplicit);
        assertThat(findings).filteredOn(f -> f.severity() == Severity.ERROR)
                .extracting(Finding::where, Finding::hint).containsExactly(
                        tuple("mx.example.test:587", "use implicit TLS (--tls) on this port"),
                        tuple("mx.example.test:465", "use STARTTLS on this port"));
    }

    @Test
    void a_tls_failure_and_a_refused_starttls_name_their_step() {
        Check failed = healthy(25);
        failed.tls = null;
        failed.failure = new CheckFailure(CheckFailure.Kind.TLS_FAILED, "the server closed the connection during the TLS handshake");
        Check refused = healthy(587);
        refused.tls = null;
        refused.failure = new CheckFailure(CheckFailure.Kind.STARTTLS_REFUSED, "454 4.7.0 TLS not available");
        assertThat(findings(failed, refused)).extracting(Finding::message).contains(
                "TLS failed: the server closed the connection during the TLS handshake",
                "STARTTLS was refused: 454 4.7.0 TLS not available");
    }

    @Test
    void login_and_sender_replies_are_judged_by_their_codes_and_explained() {
        Check loggedIn = healthy(587);
        loggedIn.auth = Reply.of(235, "2.7.0 Authentication successful");
        Check refused = healthy(2525);
        refused.auth = Reply.of(535, "5.7.8 Authentication credentials invalid");
        refused.sender = new PortCheck.SenderCheck(Reply.of(550, "5.1.8 Sender address rejected"), null);
        Check unknownRecipient = healthy(25);
        unknownRecipient.sender = new PortCheck.SenderCheck(Reply.of(250, "Ok"), Reply.of(550, "5.1.1 User unknown"));
        List<Finding> findings = findings(loggedIn, refused, unknownRecipient);
        assertThat(findings).extracting(Finding::severity, Finding::message).contains(
                tuple(Severity.INFO, "logged in as alice"),
                tuple(Severity.ERROR, "login as alice refused: 535 5.7.8 Authentication credentials invalid"),
                tuple(Severity.ERROR, "the sender alice@example.test is refused: 550 5.1.8 Sender address rejected"),
                tuple(Severity.ERROR, "the recipient bob@example.test is refused: 550 5.1.1 User unknown"));
        assertThat(findings).filteredOn(f -> f.message().startsWith("the recipient"))
                .singleElement().extracting(Finding::hint).asString().endsWith("check the address for typos");
    }

    @Test
    void reverse_dns_that_names_another_host_is_a_warning_and_none_is_a_note() {
        Check mismatched = healthy(25);
        mismatched.reverseDns = "other.example.test.";
        mismatched.reverseMatches = false;
        Check none = healthy(587);
        none.reverseDns = null;
        none.reverseMatches = null;
        List<Finding> findings = findings(mismatched, none);
        assertThat(findings).extracting(Finding::severity, Finding::message).contains(
                tuple(Severity.WARNING, "reverse DNS of 192.0.2.1 is other.example.test., but the banner names mx.example.test"),
                tuple(Severity.INFO, "no reverse DNS (PTR) for 192.0.2.1"));
        assertThat(ENGLISH.verdict(null, List.of(mismatched.build(), none.build()), findings))
                .startsWith("warning: reverse DNS of 192.0.2.1");
    }

    @Test
    void in_japanese_the_findings_and_the_verdict_are_japanese_and_the_servers_words_stay_as_they_came() {
        Findings japanese = new Findings(Texts.of(Language.JAPANESE));
        Check blocked = healthy(25);
        blocked.connect = ConnectState.FILTERED;
        Check refusing = healthy(587);
        refusing.sender = new PortCheck.SenderCheck(Reply.of(553, "5.1.7 <alice@example.test>: Sender address rejected"),
                null);
        List<PortCheck> checks = List.of(blocked.build(), refusing.build());
        List<Finding> findings = japanese.of(null, checks, OPTIONS);
        findings.sort(java.util.Comparator.comparing(Finding::severity).reversed());

        assertThat(findings.get(0).message()).contains("外向きのポート 25 をブロック", "OP25B");
        assertThat(findings.get(0).hint()).contains("ポート 587");
        assertThat(findings).extracting(Finding::message).anySatisfy(message -> assertThat(message)
                .isEqualTo("送信者 alice@example.test が拒否されました: 553 5.1.7 <alice@example.test>: Sender address rejected"));
        assertThat(findings).filteredOn(finding -> finding.message().startsWith("送信者")).singleElement()
                .extracting(Finding::hint).asString().startsWith("恒久的な失敗");
        assertThat(japanese.verdict(null, checks, findings)).startsWith("重大: ほかのポートは応答するのに")
                .endsWith("）");
    }
}
