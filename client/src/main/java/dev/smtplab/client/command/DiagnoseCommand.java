package dev.smtplab.client.command;

import dev.smtplab.client.AtomicFile;
import dev.smtplab.client.diagnose.Diagnoser;
import dev.smtplab.client.diagnose.Diagnosis;
import dev.smtplab.client.diagnose.Progress;
import dev.smtplab.client.diagnose.Report;
import dev.smtplab.client.diagnose.policy.MtaSts;
import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.dns.Dnssec;
import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.HostAndPort;
import dev.smtplab.client.record.Recording;
import dev.smtplab.client.record.RecordingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** smtplab diagnose TARGET: the manual port-25 checklist, automated, ending in a verdict. */
@Command(name = "diagnose", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Check a domain's mail hosts (or one HOST:PORT): its SPF, DMARC, TLS-RPT and MTA-STS records, "
                + "DNSSEC and DANE; each MX address (IPv4 and IPv6 on their own): connect, banner, EHLO, TLS, and with "
                + "--from MAIL FROM and RCPT TO (never DATA); then findings, most serious first, and a verdict."},
        exitCodeListHeading = "%nExit codes (the worst finding):%n",
        exitCodeList = {" 0:nothing wrong (information only)", " 1:usage error", "10:warnings", "11:errors",
                "12:critical: mail cannot get through this way"})
public final class DiagnoseCommand implements Callable<Integer>, CodeOptions.Holder {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGET", descriptionKey = "target",
            description = "A domain (its MX hosts), HOST:PORT, or an IP address (checked on --ports).")
    String target;

    @Option(names = "--ports", paramLabel = "PORTS", split = ",", defaultValue = "25,587,465",
            description = "Ports to check on each host of a domain (default: ${DEFAULT-VALUE}).")
    List<Integer> ports;

    @Option(names = "--implicit-tls-ports", paramLabel = "PORTS", split = ",", defaultValue = "465",
            description = "Which of them speak TLS from the first byte (default: ${DEFAULT-VALUE}); the others are checked with STARTTLS.")
    List<Integer> implicitTlsPorts;

    @Option(names = "--from", paramLabel = "ADDRESS", description = "Try this sender (MAIL FROM), then RSET.")
    String from;

    @Option(names = "--to", paramLabel = "ADDRESS", description = "With --from, try this recipient (RCPT TO).")
    String to;

    @Option(names = "--helo", paramLabel = "NAME", description = "The name in EHLO (default: this machine's name).")
    String helo;

    @Option(names = "--dns-server", paramLabel = "IP[:PORT]", description = "Ask this DNS server (default: the system's).")
    String dnsServer;

    @Option(names = "--json", description = "Print one JSON document instead of the table (its texts in English).")
    boolean json;

    @Option(names = "--lang", paramLabel = "LANG",
            description = "The language of the findings and the verdict: en or ja (default: SMTPLAB_LANG, then the "
                    + "system's locale). What servers said is quoted as it came.")
    String lang;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Also write how the first server that greeted answered (banner, EHLO before and after "
                    + "STARTTLS, the replies to --from and --to, RSET; never DATA) as a recording that "
                    + "./smtplab server --replay FILE answers like.")
    Path record;

    @Option(names = "--trust-anchor", paramLabel = "FILE",
            description = "DNSSEC trust anchors (DS or DNSKEY records in zone-file form) for the DANE checks "
                    + "(default: the DNS root's keys as IANA publishes them).")
    Path trustAnchor;

    @Option(names = "--policy-port", paramLabel = "PORT", defaultValue = "443",
            description = "The HTTPS port the MTA-STS policy is fetched from (default: ${DEFAULT-VALUE}, as RFC 8461 "
                    + "says; another only for a test server of your own).")
    int policyPort;

    @Option(names = "--mx-port", paramLabel = "PORT", defaultValue = "25",
            description = "The port MX hosts receive mail on, whose TLS MTA-STS and DANE speak of (default: "
                    + "${DEFAULT-VALUE}; another only for a test server of your own).")
    int mxPort;

    @Option(names = "--dnsbl", paramLabel = "ZONES", split = ",",
            description = "Look the MX hosts' addresses and your own outgoing address up in these DNS blocklists "
                    + "(zen.spamhaus.org,bl.spamcop.net, say); off unless given.")
    List<String> dnsblZones;

    @Option(names = "--outgoing-address", paramLabel = "IP",
            description = "Your own outgoing address for --dnsbl (default: the address a server's EHLO reply names, if any).")
    String outgoingAddress;

    @Option(names = "--probe-smuggling",
            description = "Send one test message (from --from to --to) whose body holds each non-standard end-of-data "
                    + "sequence, and report whether the server ends DATA early (SMTP smuggling). Only for servers you own.")
    boolean probeSmuggling;

    /** The login, tried with AUTH PLAIN over TLS only. */
    private final AuthOptions auth = new AuthOptions();
    private final ConnectionOptions connection = new ConnectionOptions();

    @Override
    public void addCodeOptions(CommandSpec spec) {
        auth.addTo(spec);
        connection.addTo(spec);
        CodeOptions.addStandardHelp(spec);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        connection.validate(spec);
        Texts texts;
        try {
            // JSON is for programs: its texts stay English whatever the language.
            texts = Texts.of(json ? Language.ENGLISH : Language.choose(lang, System.getenv()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (to != null && from == null) {
            throw new ParameterException(spec.commandLine(), "--to needs --from: the recipient is tried after MAIL FROM");
        }
        if (probeSmuggling && (from == null || to == null)) {
            throw new ParameterException(spec.commandLine(), "--probe-smuggling needs --from and --to: the probe is a "
                    + "message from one to the other");
        }
        if (outgoingAddress != null && !HostAndPort.isIpLiteral(outgoingAddress)) {
            throw new ParameterException(spec.commandLine(), "--outgoing-address " + outgoingAddress
                    + ": give an IP address, such as 203.0.113.5");
        }
        if (outgoingAddress != null && dnsblZones == null) {
            throw new ParameterException(spec.commandLine(), "--outgoing-address is looked up with --dnsbl: name the lists");
        }
        List<String> zones = new ArrayList<>();
        for (String zone : dnsblZones == null ? List.<String>of() : dnsblZones) {
            if (!zone.matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\\.?")) {
                throw new ParameterException(spec.commandLine(), "--dnsbl \"" + zone + "\" is not a DNS zone, such as "
                        + "zen.spamhaus.org");
            }
            zones.add(zone.replaceAll("\\.$", ""));
        }
        try {
            HostAndPort.port(Integer.toString(policyPort), "--policy-port " + policyPort);
            HostAndPort.port(Integer.toString(mxPort), "--mx-port " + mxPort);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        String password = auth.password();
        Diagnoser diagnoser;
        HostAndPort hostAndPort = null;
        try {
            for (int port : ports) {
                HostAndPort.port(Integer.toString(port), "--ports " + port);
            }
            Dns dns = dnsServer == null ? Dns.system(connection.replyTimeout()) : Dns.server(dnsServer, connection.replyTimeout());
            Set<Integer> implicit = new LinkedHashSet<>(implicitTlsPorts);
            diagnoser = new Diagnoser(new Diagnoser.Options(new ArrayList<>(new LinkedHashSet<>(ports)), implicit,
                    helo != null ? helo : SendCommand.localName(), from, to, auth.user(), password,
                    connection.connectTimeout(),
                    connection.replyTimeout(), connection.tlsSettings(), dns)).texts(texts);
            diagnoser.records(dnssec(dns), new MtaSts.Fetch(connection.tlsSettings().socketFactory(),
                    !connection.tlsSettings().insecure(), policyPort, connection.connectTimeout(), connection.replyTimeout()),
                    mxPort);
            if (!zones.isEmpty()) {
                diagnoser.blocklists(zones, outgoingAddress);
            }
            if (probeSmuggling) {
                diagnoser.probeSmuggling();
                err.println("smtplab diagnose: --probe-smuggling sends a test message to " + to
                        + " (one more for each sequence if the server ends DATA early); use it only on servers you own");
                err.flush();
            }
            if (HostAndPort.isIpLiteral(target)) {
                // An address is a host, never a domain to look up MX records for.
                hostAndPort = new HostAndPort(target, -1);
            } else if (target.contains(":") || target.startsWith("[")) {
                hostAndPort = HostAndPort.parse(target, 25);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Map<String, Recording> recordings = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        if (record != null) {
            Path folder = record.toAbsolutePath().getParent();
            if (Files.isDirectory(record) || !Files.isDirectory(folder) || !Files.isWritable(folder)) {
                throw new ParameterException(spec.commandLine(), "--record " + record + ": cannot write there ("
                        + (Files.isDirectory(record) ? "it is a folder" : "no writable folder " + folder) + ")");
            }
            diagnoser.listenTo((host, port, clientAddress) -> new RecordingListener(recordings.computeIfAbsent(
                    HostAndPort.format(host, port), Recording::new), clientAddress));
        }
        Diagnosis diagnosis;
        try (Progress progress = System.console() != null && !json ? Progress.onTerminal(err, texts) : Progress.NONE) {
            diagnoser.watch(progress);
            diagnosis = hostAndPort == null ? diagnoser.domain(target)
                    : hostAndPort.port() < 0 ? diagnoser.host(hostAndPort.host())
                    : diagnoser.host(hostAndPort.host(), hostAndPort.port());
        }
        if (json) {
            out.println(SendCommand.jsonMapper().writeValueAsString(diagnosis));
            out.flush();
        } else {
            Report.diagnosis(diagnosis, out, texts);
        }
        if (record != null) {
            writeRecording(diagnosis, recordings, json ? err : out);
        }
        return diagnosis.exitCode();
    }

    /** DNSSEC validation from --trust-anchor, or from the root keys shipped with the client. */
    private Dnssec dnssec(Dns dns) {
        try (InputStream anchors = trustAnchor == null ? Dnssec.rootAnchors() : Files.newInputStream(trustAnchor)) {
            return dns.validating(anchors);
        } catch (IOException | RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--trust-anchor " + trustAnchor + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : String.valueOf(e.getMessage()).replaceFirst("^<none>:(\\d+):", "line $1:")), e);
        }
    }

    /** The first server in the report's order that greeted, as a recording; nothing when none did. */
    private void writeRecording(Diagnosis diagnosis, Map<String, Recording> recordings, PrintWriter where)
            throws java.io.IOException {
        for (var check : diagnosis.checks()) {
            Recording recording = recordings.get(HostAndPort.format(check.host(), check.port()));
            if (recording != null && recording.greeted()) {
                AtomicFile.write(record, recording.yaml("Recorded by smtplab diagnose from "
                        + recording.name() + ", " + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        + " (no DATA was sent, so the message's reply is not in it).\nA rules file: ./smtplab server "
                        + "--replay " + record.getFileName() + " answers as the recorded server; edit it by hand as any "
                        + "other.\nAUTH secrets are never written."));
                where.println("smtplab diagnose: recorded how " + recording.name() + " answers into " + record
                        + "; replay with ./smtplab server --replay " + record);
                where.flush();
                return;
            }
        }
        where.println("smtplab diagnose: --record " + record + ": nothing to record, as no server greeted");
        where.flush();
    }
}
