package dev.smtplab.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * smtplab diagnose 2.0 against servers of the test's own on loopback: a DNS server (serving a zone
 * signed by ldns-signzone for DNSSEC and DANE), an HTTPS server for the MTA-STS policy, SMTP Lab,
 * and a deliberately lax SMTP server for the smuggling probe. Never the machine's resolver.
 */
class DiagnoseDomainTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path data;
    private TestDnsServer dns;
    private FakeSmtpServer server;
    private HttpsServer policyServer;
    private volatile String policy = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmax_age: 604800\r\n";
    private volatile String policyType = "text/plain";
    private volatile int policyStatus = 200;
    private Path unrelatedAnchor;

    @BeforeEach
    void start() throws Exception {
        server = FakeSmtpServer.builder().hostName("mx1.example.test").tls(TlsMaterial.localCa(data, "mx1.example.test"))
                .build().start();
        dns = new TestDnsServer()
                .add("example.test. 300 IN MX 10 mx1.example.test.")
                .add("mx1.example.test. 300 IN A 127.0.0.1")
                .add("example.test. 300 IN TXT \"v=spf1 mx -all\"")
                .add("_dmarc.example.test. 300 IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.test\"")
                .add("_smtp._tls.example.test. 300 IN TXT \"v=TLSRPTv1; rua=mailto:tls@example.test\"")
                .add("_mta-sts.example.test. 300 IN TXT \"v=STSv1; id=20261206\"")
                .add("mta-sts.example.test. 300 IN A 127.0.0.1");
        policyServer = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        policyServer.setHttpsConfigurator(new HttpsConfigurator(sameCa("mta-sts.example.test").sslContext()));
        policyServer.createContext("/.well-known/mta-sts.txt", exchange -> {
            byte[] body = policy.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", policyType);
            exchange.sendResponseHeaders(policyStatus, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        policyServer.start();
        // DNSSEC anchored elsewhere: these unsigned zones are insecure, as an unsigned domain is under the real root.
        unrelatedAnchor = data.resolve("unrelated-anchor.txt");
        Files.writeString(unrelatedAnchor, "anchor.test. IN DS 12345 13 2 "
                + "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n");
    }

    /** A certificate for another host from the same local CA as the SMTP server's, which --ca-file trusts. */
    private TlsMaterial sameCa(String host) throws IOException {
        Path folder = Files.createDirectories(data.resolve(host));
        Files.copy(data.resolve("ca.pem"), folder.resolve("ca.pem"));
        Files.copy(data.resolve("ca-key.pem"), folder.resolve("ca-key.pem"));
        return TlsMaterial.localCa(folder, host);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        policyServer.stop(0);
        dns.close();
    }

    private ClientRun diagnose(String... args) {
        List<String> all = new ArrayList<>(List.of("diagnose", "--dns-server", dns.address(), "--timeout-connect", "1",
                "--timeout-reply", "3", "--ca-file", data.resolve("ca.pem").toString(),
                "--policy-port", Integer.toString(policyServer.getAddress().getPort())));
        if (!List.of(args).contains("--trust-anchor")) {
            all.addAll(List.of("--trust-anchor", unrelatedAnchor.toString()));
        }
        all.addAll(List.of(args));
        return ClientRun.of(all.toArray(String[]::new));
    }

    private String[] mxOnServerPort(String domain, String... more) {
        List<String> args = new ArrayList<>(List.of(domain, "--ports", Integer.toString(server.port()), "--mx-port",
                Integer.toString(server.port())));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void published_records_are_shown_and_a_sound_mta_sts_policy_passes() throws Exception {
        ClientRun run = diagnose(mxOnServerPort("example.test"));
        assertThat(run.out()).contains("Published records:")
                .contains("  SPF       example.test: v=spf1 mx -all (1 of 10 DNS lookups)")
                .contains("  DMARC     _dmarc.example.test: v=DMARC1; p=reject; rua=mailto:dmarc@example.test")
                .contains("  TLS-RPT   _smtp._tls.example.test: v=TLSRPTv1; rua=mailto:tls@example.test")
                .contains("  MTA-STS   _mta-sts.example.test: v=STSv1; id=20261206")
                .contains("https://mta-sts.example.test:" + policyServer.getAddress().getPort()
                        + "/.well-known/mta-sts.txt: mode enforce, max_age 604800, mx mx1.example.test")
                .contains("MTA-STS in enforce mode: all 1 MX hosts match the policy, and the ones checked on port 25 "
                        + "present valid certificates".replace("port 25", "port 25"));
        assertThat(run.exitCode()).as(run.out()).isZero();
        JsonNode json = JSON.readTree(diagnose(mxOnServerPort("example.test", "--json")).out());
        JsonNode records = json.get("records");
        assertThat(records.get("spf").get("lookups").asInt()).isEqualTo(1);
        assertThat(records.get("dmarc").get("policy").asText()).isEqualTo("reject");
        assertThat(records.get("tlsRpt").get("reportTo").get(0).asText()).isEqualTo("mailto:tls@example.test");
        assertThat(records.get("mtaSts").get("mode").asText()).isEqualTo("enforce");
        assertThat(records.get("mtaSts").get("mx").get(0).asText()).isEqualTo("mx1.example.test");
        assertThat(records.get("mxDnssec").asText()).isEqualTo("INSECURE");
    }

    @Test
    void an_mx_host_outside_the_policy_and_a_broken_policy_are_findings() throws Exception {
        policy = "version: STSv1\nmode: enforce\nmx: *.elsewhere.test\nmax_age: 604800\n";
        ClientRun outside = diagnose(mxOnServerPort("example.test"));
        assertThat(outside.exitCode()).isEqualTo(12);
        assertThat(outside.out()).contains("the MX host mx1.example.test is not among the MTA-STS policy's mx patterns "
                + "(*.elsewhere.test); in enforce mode senders that apply MTA-STS will not deliver to it");
        policy = "version: STSv1\nmode: testing\nmx: *.elsewhere.test\nmax_age: 604800\n";
        assertThat(diagnose(mxOnServerPort("example.test")).exitCode()).as("testing mode only warns").isEqualTo(10);

        policyType = "text/html";
        policy = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 604800\n";
        assertThat(diagnose(mxOnServerPort("example.test")).out()).contains("/.well-known/mta-sts.txt is served as "
                + "text/html, not text/plain (RFC 8461, 3.2)");
        policyType = "text/plain";
        policyStatus = 404;
        assertThat(diagnose(mxOnServerPort("example.test")).out()).contains("/.well-known/mta-sts.txt answers HTTP 404, "
                + "not 200");
        policyStatus = 200;
        // A policy host whose certificate is not for its name is no policy: senders would not trust it.
        Path otherCa = Files.createDirectories(data.resolve("other"));
        TlsMaterial.localCa(otherCa, "mta-sts.example.test");
        ClientRun untrusted = ClientRun.of("diagnose", "--dns-server", dns.address(), "--timeout-connect", "1",
                "--timeout-reply", "3", "--ca-file", otherCa.resolve("ca.pem").toString(), "--trust-anchor",
                unrelatedAnchor.toString(), "--policy-port", Integer.toString(policyServer.getAddress().getPort()),
                "example.test", "--ports", Integer.toString(server.port()), "--mx-port", Integer.toString(server.port()));
        assertThat(untrusted.out()).containsPattern("the MTA-STS policy could not be fetched from https://mta-sts"
                + "\\.example\\.test:\\d+/\\.well-known/mta-sts\\.txt: .*not trusted");
    }

    @Test
    void missing_and_mistaken_records_are_findings_with_hints() throws Exception {
        dns.add("bare.test. 300 IN MX 10 mx1.example.test.")
                .add("loose.test. 300 IN MX 10 mx1.example.test.")
                .add("loose.test. 300 IN TXT \"v=spf1 +all\"")
                .add("_dmarc.loose.test. 300 IN TXT \"v=DMARC1; p=none\"");
        ClientRun bare = diagnose(mxOnServerPort("bare.test"));
        assertThat(bare.out()).contains("WARNING  bare.test: no SPF record at bare.test")
                .contains("WARNING  _dmarc.bare.test: no DMARC record at _dmarc.bare.test")
                .contains("INFO     _mta-sts.bare.test: no MTA-STS record at _mta-sts.bare.test");
        assertThat(bare.exitCode()).isEqualTo(10);
        ClientRun loose = diagnose(mxOnServerPort("loose.test", "--lang", "ja"));
        assertThat(loose.out()).contains("SPF レコードが \"+all\" で終わっています")
                .contains("_dmarc.loose.test の DMARC ポリシーは p=none です");
        assertThat(loose.exitCode()).isEqualTo(11);
    }

    @Test
    void dane_is_validated_with_dnssec_and_matched_against_the_certificate() throws Exception {
        TlsMaterial tls = sameCa("mx1.signed.test");
        server.stop();
        server = FakeSmtpServer.builder().hostName("mx1.signed.test").tls(tls).build().start();
        byte[] spki = tls.serverCertificate().getPublicKey().getEncoded();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
        SignedZone zone = SignedZone.sign(data.resolve("dnssec"), "signed.test", """
                @ IN MX 10 mx1
                mx1 IN A 127.0.0.1
                _PORT._tcp.mx1 IN TLSA 3 1 1 DIGEST
                @ IN TXT "v=spf1 mx -all"
                _dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@signed.test"
                """.replace("PORT", Integer.toString(server.port())).replace("DIGEST", digest));
        try (TestDnsServer signed = new TestDnsServer().signedZone(zone.signedFile())) {
            dns.close();
            dns = signed;
            ClientRun run = diagnose(mxOnServerPort("signed.test", "--trust-anchor", zone.anchor().toString()));
            assertThat(run.out()).contains("  DNSSEC    MX secure")
                    .contains("DANE      _" + server.port() + "._tcp.mx1.signed.test: 3 1 1 " + digest.substring(0, 16)
                            .toUpperCase() + "… (secure)")
                    .contains("DANE: the certificate matches the TLSA record 3 1 1 ");
            JsonNode json = JSON.readTree(diagnose(mxOnServerPort("signed.test", "--trust-anchor", zone.anchor().toString(),
                    "--json")).out());
            assertThat(json.get("records").get("dane").get(0).get("status").asText()).isEqualTo("SECURE");
            assertThat(json.get("checks").get(0).get("tls").get("daneMatch").asBoolean()).isTrue();
        }

        SignedZone wrong = SignedZone.sign(data.resolve("dnssec-wrong"), "signed.test", """
                @ IN MX 10 mx1
                mx1 IN A 127.0.0.1
                _PORT._tcp.mx1 IN TLSA 3 1 1 00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF
                """.replace("PORT", Integer.toString(server.port())));
        try (TestDnsServer signed = new TestDnsServer().signedZone(wrong.signedFile())) {
            dns.close();
            dns = signed;
            ClientRun run = diagnose(mxOnServerPort("signed.test", "--trust-anchor", wrong.anchor().toString()));
            assertThat(run.out()).contains("DANE: no TLSA record matches the certificate presented");
            assertThat(run.exitCode()).isEqualTo(11);
        }

        // The same records, one changed after signing: the signature no longer holds, as after tampering.
        Path tampered = wrong.signedFile().resolveSibling("tampered");
        Files.writeString(tampered, Files.readString(wrong.signedFile()).replace("00112233445566778899aabbccddeeff0011",
                "ffeeddccbbaa99887766554433221100ffee"));
        try (TestDnsServer signed = new TestDnsServer().signedZone(tampered)) {
            dns.close();
            dns = signed;
            ClientRun run = diagnose(mxOnServerPort("signed.test", "--trust-anchor", wrong.anchor().toString()));
            assertThat(run.out()).contains("fail DNSSEC validation").contains("DANE senders hold mail for this host back");
            assertThat(run.exitCode()).isEqualTo(12);
        }
    }

    @Test
    void each_address_family_is_checked_on_its_own() throws Exception {
        dns.add("dual.test. 300 IN MX 10 mx.dual.test.")
                .add("mx.dual.test. 300 IN A 127.0.0.1")
                .add("mx.dual.test. 300 IN AAAA ::1");
        ClientRun run = diagnose(mxOnServerPort("dual.test"));
        assertThat(run.out()).containsPattern("mx\\.dual\\.test:" + server.port() + " +127\\.0\\.0\\.1 +open")
                .containsPattern("mx\\.dual\\.test:" + server.port() + " +::1 +");
        assertThat(run.out()).containsAnyOf(
                "IPv6 is broken while IPv4 works: ::1 gives \"refused\", while 127.0.0.1 answers",
                "this machine has no IPv6 route");

        try (FakeSmtpServer v6only = FakeSmtpServer.builder().hostName("mx.dual.test")
                .bindAddress(InetAddress.getByName("::1")).build().start()) {
            ClientRun broken4 = diagnose("dual.test", "--ports", Integer.toString(v6only.port()));
            assertThat(broken4.out()).contains("IPv4 is broken while IPv6 works: 127.0.0.1 gives \"refused\", while "
                    + "::1 answers");
        }
    }

    @Test
    void blocklists_are_asked_only_when_named() throws Exception {
        dns.add("2.0.0.127.zen.test. 300 IN A 127.0.0.2")
                .add("2.0.0.127.zen.test. 300 IN TXT \"listed: see https://zen.test/lookup\"")
                .add("1.0.0.127.strict.test. 300 IN A 127.255.255.254");
        assertThat(diagnose(mxOnServerPort("example.test")).out()).doesNotContain("DNSBL");
        ClientRun run = diagnose(mxOnServerPort("example.test", "--dnsbl", "zen.test,strict.test",
                "--outgoing-address", "127.0.0.2"));
        assertThat(run.out()).contains("ERROR    127.0.0.2 @ zen.test: your outgoing address 127.0.0.2 is listed on "
                        + "zen.test: listed: see https://zen.test/lookup")
                .contains("the list strict.test refused to answer (127.255.255.254)")
                .containsPattern("zen\\.test\\s+127\\.0\\.0\\.1 \\(mx\\)\\s+not listed");
        assertThat(run.exitCode()).isEqualTo(11);
        JsonNode listings = JSON.readTree(diagnose(mxOnServerPort("example.test", "--dnsbl", "zen.test",
                "--outgoing-address", "127.0.0.2", "--json")).out()).get("blocklists");
        assertThat(listings).hasSize(2);
        assertThat(listings.get(1).get("role").asText()).isEqualTo("self");
        assertThat(listings.get(1).get("answers").get(0).asText()).isEqualTo("127.0.0.2");
        assertThat(listings.get(1).get("reason").asText()).isEqualTo("listed: see https://zen.test/lookup");
        assertThat(diagnose(mxOnServerPort("example.test", "--dnsbl", "zen.test")).out())
                .contains("your own outgoing address was not checked: no server named it");
        assertThat(ClientRun.of("diagnose", "example.test", "--dnsbl", "not a zone").err())
                .startsWith("smtplab diagnose: --dnsbl \"not a zone\" is not a DNS zone");
        assertThat(ClientRun.of("diagnose", "example.test", "--dnsbl", "zen.test", "--outgoing-address", "me.test").err())
                .startsWith("smtplab diagnose: --outgoing-address me.test: give an IP address");
    }

    @Test
    void the_smuggling_probe_finds_a_lax_server_and_passes_a_strict_one() throws Exception {
        ClientRun strict = diagnose("127.0.0.1:" + server.port(), "--from", "probe@example.test", "--to",
                "me@example.test", "--probe-smuggling");
        assertThat(strict.err()).contains("use it only on servers you own");
        assertThat(strict.out()).containsAnyOf("the server kept the probe message whole through all 5 sequences",
                "the server refused the probe message");
        List<RecordedMessage> kept = server.messages();
        if (!kept.isEmpty()) {
            assertThat(kept).hasSize(1);
            assertThat(kept.get(0).dataAsString()).contains("sequence 1 <LF>.<LF>\n.\nNOOP").contains("end of the probe");
        }
        assertThat(strict.exitCode()).as(strict.out()).isZero();

        try (LaxSmtpServer lax = new LaxSmtpServer()) {
            ClientRun run = diagnose("127.0.0.1:" + lax.port(), "--from", "probe@example.test", "--to", "me@example.test",
                    "--probe-smuggling");
            assertThat(run.out()).contains("the server ends DATA early at <LF>.<LF>, <LF>.<CR><LF>, <CR><LF>.<LF>: "
                    + "mail can be smuggled through it");
            assertThat(run.exitCode()).isEqualTo(11);
            JsonNode json = JSON.readTree(diagnose("127.0.0.1:" + lax.port(), "--from", "probe@example.test", "--to",
                    "me@example.test", "--probe-smuggling", "--json").out());
            assertThat(json.get("smuggling").get("outcome").asText()).isEqualTo("ended-early");
            assertThat(json.get("smuggling").get("variants")).hasSize(5);
        }
        assertThat(ClientRun.of("diagnose", "127.0.0.1:25", "--probe-smuggling").err())
                .startsWith("smtplab diagnose: --probe-smuggling needs --from and --to");
    }

    @Test
    void bad_options_give_one_line_that_names_them() throws Exception {
        Path noAnchors = Files.writeString(data.resolve("empty.txt"), "; nothing here\n");
        Path notZone = Files.writeString(data.resolve("words.txt"), "hello world\n");
        assertThat(ClientRun.of("diagnose", "example.test", "--trust-anchor", data.resolve("missing.txt").toString()).err())
                .isEqualTo("smtplab diagnose: --trust-anchor " + data.resolve("missing.txt") + ": no such file "
                        + "(see smtplab diagnose --help)\n");
        assertThat(ClientRun.of("diagnose", "example.test", "--trust-anchor", noAnchors.toString()).err())
                .isEqualTo("smtplab diagnose: --trust-anchor " + noAnchors + ": no DS or DNSKEY record in the trust "
                        + "anchors (see smtplab diagnose --help)\n");
        assertThat(ClientRun.of("diagnose", "example.test", "--trust-anchor", notZone.toString()).err())
                .isEqualTo("smtplab diagnose: --trust-anchor " + notZone + ": line 1: Invalid type 'world' "
                        + "(see smtplab diagnose --help)\n");
        assertThat(ClientRun.of("diagnose", "example.test", "--policy-port", "0").err())
                .startsWith("smtplab diagnose: \"--policy-port 0\": the port must be a number from 1 to 65535");
        assertThat(ClientRun.of("diagnose", "example.test", "--mx-port", "70000").err())
                .startsWith("smtplab diagnose: \"--mx-port 70000\": the port must be a number from 1 to 65535");
        assertThat(ClientRun.of("diagnose", "example.test", "--outgoing-address", "192.0.2.1").err())
                .startsWith("smtplab diagnose: --outgoing-address is looked up with --dnsbl");
    }

    /** A zone signed by ldns-signzone with a fresh key, and that key's DS record as the trust anchor. */
    record SignedZone(Path signedFile, Path anchor) {
        static SignedZone sign(Path folder, String origin, String records) throws Exception {
            Files.createDirectories(folder);
            Path zone = folder.resolve(origin + ".zone");
            Files.writeString(zone, "$ORIGIN " + origin + ".\n$TTL 300\n@ IN SOA ns." + origin + ". admin." + origin
                    + ". 1 3600 600 86400 300\n@ IN NS ns\nns IN A 127.0.0.1\n" + records);
            String key = run(folder, "ldns-keygen", "-a", "ECDSAP256SHA256", "-k", origin).trim();
            run(folder, "ldns-signzone", zone.getFileName().toString(), key);
            return new SignedZone(folder.resolve(origin + ".zone.signed"), folder.resolve(key + ".ds"));
        }

        private static String run(Path folder, String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
            return output;
        }
    }
}
