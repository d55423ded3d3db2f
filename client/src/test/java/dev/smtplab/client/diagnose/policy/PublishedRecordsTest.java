package dev.smtplab.client.diagnose.policy;

import dev.smtplab.client.diagnose.Severity;
import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.dns.TxtLookup;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** SPF, DMARC, TLS-RPT and MTA-STS records read as receivers and senders read them, from a table of TXT records. */
class PublishedRecordsTest {
    /** TXT records by name; a name not in the table has none. */
    private static TxtLookup table(Map<String, List<String>> records) {
        return name -> new Dns.TxtAnswer(name, records.getOrDefault(name, List.of()), null);
    }

    private static List<String> keys(List<Problem> problems) {
        return problems.stream().map(Problem::key).toList();
    }

    @Test
    void spf_lookups_are_counted_through_includes_and_redirects() {
        TxtLookup dns = table(Map.of(
                "example.test", List.of("v=spf1 mx a include:_spf.provider.test include:mail.other.test -all",
                        "google-site-verification=abc"),
                "_spf.provider.test", List.of("v=spf1 include:_a.provider.test include:_b.provider.test ~all"),
                "_a.provider.test", List.of("v=spf1 ip4:192.0.2.0/24 a:x.provider.test -all"),
                "_b.provider.test", List.of("v=spf1 ip6:2001:db8::/32 exists:%{i}.x.test -all"),
                "mail.other.test", List.of("v=spf1 redirect=_spf.provider.test")));
        Spf spf = Spf.check("example.test", dns);
        // example.test: mx, a, 2 includes = 4; _spf: 2 includes; _a: a:; _b: exists; mail.other: redirect (its target counted once)
        assertThat(spf.lookups()).isEqualTo(9);
        assertThat(spf.all()).isEqualTo("-");
        assertThat(spf.record()).startsWith("v=spf1 mx a");
        assertThat(keys(spf.problems())).isEmpty();
    }

    @Test
    void spf_mistakes_receivers_fail_are_errors() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            many.add("include:s" + i + ".test");
        }
        Map<String, List<String>> records = new java.util.HashMap<>();
        records.put("many.test", List.of("v=spf1 " + String.join(" ", many) + " -all"));
        for (int i = 0; i < 10; i++) {
            records.put("s" + i + ".test", List.of("v=spf1 ip4:192.0.2." + i + " -all"));
        }
        records.put("two.test", List.of("v=spf1 -all", "v=spf1 mx -all"));
        records.put("open.test", List.of("v=spf1 mx all"));
        records.put("bad.test", List.of("v=spf1 ip4:300.1.1.1 mx:  foo -all"));
        records.put("neutral.test", List.of("v=spf1 ptr ?all"));
        TxtLookup dns = table(records);

        Spf tooMany = Spf.check("many.test", dns);
        assertThat(tooMany.lookups()).isEqualTo(11);
        assertThat(tooMany.problems()).extracting(Problem::severity, Problem::key, Problem::values).contains(
                tuple(Severity.ERROR, "spf.tooManyLookups", List.of("11", "10")),
                tuple(Severity.ERROR, "spf.includeMissing", List.of("s10.test", "0")));
        assertThat(keys(Spf.check("two.test", dns).problems())).containsExactly("spf.multiple");
        assertThat(Spf.check("open.test", dns).problems()).extracting(Problem::severity, Problem::key)
                .containsExactly(tuple(Severity.ERROR, "spf.passAll"));
        assertThat(Spf.check("bad.test", dns).problems()).extracting(Problem::key, Problem::values)
                .contains(tuple("spf.syntax", List.of("ip4:300.1.1.1")), tuple("spf.syntax", List.of("foo")));
        assertThat(keys(Spf.check("neutral.test", dns).problems())).containsExactly("spf.ptr", "spf.neutralAll");
        assertThat(Spf.check("none.test", dns).problems()).extracting(Problem::severity, Problem::key)
                .containsExactly(tuple(Severity.WARNING, "spf.none"));
    }

    @Test
    void a_failed_lookup_is_said_and_not_taken_for_a_missing_record() {
        TxtLookup failing = name -> new Dns.TxtAnswer(name, List.of(), "the DNS lookup of " + name + " TXT failed: timed out");
        assertThat(Spf.check("x.test", failing).problems()).extracting(Problem::key).containsExactly("spf.lookupFailed");
        assertThat(Dmarc.check("x.test", failing).problems()).extracting(Problem::key).containsExactly("dmarc.lookupFailed");
    }

    @Test
    void dmarc_policy_reports_and_the_usual_mistakes() {
        TxtLookup dns = table(Map.of(
                "_dmarc.strict.test", List.of("v=DMARC1; p=reject; rua=mailto:d@strict.test,mailto:x@vendor.test; pct=100"),
                "_dmarc.watch.test", List.of("v=DMARC1; p=none"),
                "_dmarc.typo.test", List.of("v=DMARC1; p=rejct; rua=d@typo.test"),
                "_dmarc.order.test", List.of("p=reject; v=DMARC1; rua=mailto:d@order.test"),
                "_dmarc.half.test", List.of("v=DMARC1; p=quarantine; pct=50; rua=mailto:d@half.test"),
                "_dmarc.parent.test", List.of("v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@parent.test")));
        Dmarc strict = Dmarc.check("strict.test", dns);
        assertThat(strict.policy()).isEqualTo("reject");
        assertThat(strict.aggregateReports()).containsExactly("mailto:d@strict.test", "mailto:x@vendor.test");
        assertThat(strict.problems()).isEmpty();
        assertThat(Dmarc.check("watch.test", dns).problems()).extracting(Problem::severity, Problem::key)
                .containsExactly(tuple(Severity.WARNING, "dmarc.monitorOnly"), tuple(Severity.INFO, "dmarc.noReports"));
        assertThat(Dmarc.check("typo.test", dns).problems()).extracting(Problem::key, Problem::values).contains(
                tuple("dmarc.badPolicy", List.of("_dmarc.typo.test", "rejct")),
                tuple("dmarc.badUri", List.of("_dmarc.typo.test", "d@typo.test")));
        assertThat(Dmarc.check("order.test", dns).problems()).extracting(Problem::key).containsExactly("dmarc.syntax");
        assertThat(Dmarc.check("half.test", dns).problems()).extracting(Problem::key).containsExactly("dmarc.partial");
        assertThat(Dmarc.check("none.test", dns).problems()).extracting(Problem::severity, Problem::key)
                .containsExactly(tuple(Severity.WARNING, "dmarc.none"));
        Dmarc inherited = Dmarc.check("mail.parent.test", dns);
        assertThat(inherited.inherited()).isTrue();
        assertThat(inherited.name()).isEqualTo("_dmarc.parent.test");
        assertThat(inherited.problems()).isEmpty();
    }

    @Test
    void tls_rpt_needs_a_mailto_or_https_address() {
        assertThat(TlsRpt.parse("_smtp._tls.x.test", "v=TLSRPTv1; rua=mailto:tls@x.test,https://reports.x.test/v1")
                .reportTo()).containsExactly("mailto:tls@x.test", "https://reports.x.test/v1");
        assertThat(TlsRpt.parse("_smtp._tls.x.test", "v=TLSRPTv1; rua=http://reports.x.test").problems())
                .extracting(Problem::key).containsExactly("tlsrpt.badUri");
        assertThat(TlsRpt.parse("_smtp._tls.x.test", "v=TLSRPTv1").problems()).extracting(Problem::key)
                .containsExactly("tlsrpt.syntax");
        TxtLookup none = table(Map.of());
        assertThat(TlsRpt.check("x.test", none, false).problems()).extracting(Problem::severity, Problem::key)
                .containsExactly(tuple(Severity.INFO, "tlsrpt.none"));
        assertThat(TlsRpt.check("x.test", none, true).problems()).extracting(Problem::severity, Problem::key)
                .containsExactly(tuple(Severity.WARNING, "tlsrpt.noneWithPolicy"));
    }

    @Test
    void mta_sts_policy_is_parsed_and_mx_patterns_match_one_label() {
        MtaSts policy = MtaSts.parsePolicy("_mta-sts.x.test", "v=STSv1; id=1", "1", "https://mta-sts.x.test/",
                "version: STSv1\r\nmode: enforce\r\nmx: mx1.x.test\r\nmx: *.backup.x.test\r\nmax_age: 604800\r\n",
                new ArrayList<>());
        assertThat(policy.mode()).isEqualTo("enforce");
        assertThat(policy.maxAge()).isEqualTo(604800);
        assertThat(policy.problems()).isEmpty();
        assertThat(policy.matches("mx1.x.test.")).isTrue();
        assertThat(policy.matches("MX1.X.TEST")).isTrue();
        assertThat(policy.matches("a.backup.x.test")).isTrue();
        assertThat(policy.matches("a.b.backup.x.test")).as("a wildcard covers one label").isFalse();
        assertThat(policy.matches("backup.x.test")).isFalse();
        assertThat(policy.matches("mx2.x.test")).isFalse();

        MtaSts broken = MtaSts.parsePolicy("_mta-sts.x.test", "v=STSv1; id=1", "1", "https://mta-sts.x.test/",
                "version: STSv2\nmode: strict\nmax_age: forever\nthis line\n", new ArrayList<>());
        assertThat(broken.problems()).extracting(Problem::key).containsOnly("mtasts.policySyntax");
        assertThat(broken.problems()).hasSize(4);
        assertThat(broken.inForce()).isFalse();
        MtaSts brief = MtaSts.parsePolicy("n", "r", "1", "u", "version: STSv1\nmode: testing\nmx: a.test\nmax_age: 60\n",
                new ArrayList<>());
        assertThat(brief.problems()).extracting(Problem::key).containsExactly("mtasts.shortMaxAge", "mtasts.testing");
    }

    @Test
    void https_responses_are_read_whole_chunked_and_bounded() throws IOException {
        HttpsGet.Response plain = HttpsGet.read(stream("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 5\r\n\r\nhello"));
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.header("Content-Type")).isEqualTo("text/plain");
        assertThat(plain.body()).isEqualTo("hello");
        assertThat(HttpsGet.read(stream("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "6\r\nhello \r\n5;x=y\r\nworld\r\n0\r\n\r\n")).body()).isEqualTo("hello world");
        assertThat(HttpsGet.read(stream("HTTP/1.0 404 Not Found\r\n\r\nnope")).status()).isEqualTo(404);
        assertThatThrownBy(() -> HttpsGet.read(stream("HTTP/1.1 200 OK\r\nContent-Length: 999999\r\n\r\n")))
                .hasMessage("the response is 999999 bytes, more than 65536");
        assertThatThrownBy(() -> HttpsGet.read(stream("SSH-2.0-OpenSSH\r\n"))).hasMessage("not an HTTP response: SSH-2.0-OpenSSH");
        assertThatThrownBy(() -> HttpsGet.read(stream("HTTP/1.1 200 OK\r\nContent-Ty")))
                .hasMessage("the connection closed in the middle of the response");
    }

    @Test
    void dnsbl_names_reverse_the_address() {
        assertThat(Dnsbl.reversed("192.0.2.99")).isEqualTo("99.2.0.192");
        assertThat(Dnsbl.reversed("2001:db8::1")).isEqualTo(
                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2");
        assertThatThrownBy(() -> Dnsbl.reversed("mail.example.test")).hasMessage("\"mail.example.test\" is not an IP address");
        Dnsbl listed = new Dnsbl("192.0.2.99", "self", "zen.test", List.of("127.0.0.2"), "listed for spam", null);
        Dnsbl refused = new Dnsbl("192.0.2.99", "self", "zen.test", List.of("127.255.255.254"), null, null);
        assertThat(listed.listed()).isTrue();
        assertThat(refused.listed()).isFalse();
        assertThat(refused.refused()).isTrue();
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
