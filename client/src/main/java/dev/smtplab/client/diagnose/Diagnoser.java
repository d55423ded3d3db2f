package dev.smtplab.client.diagnose;

import dev.smtplab.client.diagnose.policy.Dane;
import dev.smtplab.client.diagnose.policy.Dnsbl;
import dev.smtplab.client.diagnose.policy.MtaSts;
import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.dns.Dnssec;
import dev.smtplab.client.dns.MxReport;
import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.HostAndPort;
import dev.smtplab.client.protocol.TlsSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The manual checklist, automated: the targets (a domain's MX hosts, or one host), the domain's
 * published records ({@link DomainRecords}), a {@link PortProbe} for each host, address and port,
 * in parallel, each step bounded by a timeout; with --dnsbl the blocklists, with --probe-smuggling
 * the smuggling probe; then findings, worst first, and a verdict.
 */
public final class Diagnoser {
    /** What to check and how. */
    public record Options(List<Integer> ports, Set<Integer> implicitTlsPorts, String helo, String from, String to,
                          String authUser, String authPassword, Duration connectTimeout, Duration replyTimeout,
                          TlsSettings tls, Dns dns) {
    }

    private static final Duration SLOW_BANNER = Duration.ofSeconds(3);
    private static final long EXPIRY_WARNING_DAYS = 14;

    private final Options options;
    private Progress progress = Progress.NONE;
    private ProbeListeners listeners = ProbeListeners.NONE;
    private Texts texts = Texts.of(Language.ENGLISH);
    private boolean records;
    private Dnssec dnssec;
    private MtaSts.Fetch policyFetch;
    private int mxPort = 25;
    private List<String> blocklistZones = List.of();
    private String ownAddress;
    private boolean probeSmuggling;

    public Diagnoser(Options options) {
        this.options = options;
    }

    /** Listeners to each probe's dialogue (smtplab diagnose --record); none by default. */
    public Diagnoser listenTo(ProbeListeners listeners) {
        this.listeners = listeners;
        return this;
    }

    /** The language of the findings and the verdict (English unless given). */
    public Diagnoser texts(Texts texts) {
        this.texts = texts;
        return this;
    }

    /**
     * Also checks a domain's SPF, DMARC, TLS-RPT and MTA-STS records (the policy fetched as {@code
     * fetch} says) and, when {@code dnssec} is given, DNSSEC of the MX records and DANE, for MX
     * hosts receiving mail on {@code mxPort} (25; another only for a test server).
     */
    public Diagnoser records(Dnssec dnssec, MtaSts.Fetch fetch, int mxPort) {
        this.records = true;
        this.mxPort = mxPort;
        this.dnssec = dnssec;
        this.policyFetch = fetch;
        return this;
    }

    /**
     * Looks the MX hosts' addresses and the user's own outgoing address up in these DNSBL zones.
     *
     * @param ownAddress the outgoing address; null to take it from an EHLO reply that names it
     */
    public Diagnoser blocklists(List<String> zones, String ownAddress) {
        this.blocklistZones = List.copyOf(zones);
        this.ownAddress = ownAddress;
        return this;
    }

    /** Sends the smuggling probe's message to the first host and port that greeted (needs --from and --to). */
    public Diagnoser probeSmuggling() {
        this.probeSmuggling = true;
        return this;
    }

    /** Tells {@code progress} what each check waits for. */
    public void watch(Progress progress) {
        this.progress = progress;
    }

    /** A domain: its MX hosts (or its own address), every port of each. */
    public Diagnosis domain(String domain) throws InterruptedException {
        MxReport mx = options.dns().mx(domain);
        DomainRecords published = null;
        if (records) {
            progress.step(domain, "DNS records");
            try {
                published = DomainRecords.check(domain, mx, options.dns(), dnssec, policyFetch, mxPort);
            } finally {
                progress.done(domain);
            }
        }
        List<Target> targets = new ArrayList<>();
        for (MxReport.MxHost host : mx.hosts()) {
            List<String> addresses = host.addresses().isEmpty() ? List.of("") : host.addresses();
            Dane dane = published == null ? null : published.daneFor(host.host());
            for (String address : addresses) {
                for (int port : options.ports()) {
                    targets.add(new Target(host.host(), address, port, port == mxPort ? dane : null));
                }
            }
        }
        return finish(domain, mx, published, run(targets));
    }

    /** One host (an IP address, say) on every port of the options. */
    public Diagnosis host(String host) throws InterruptedException {
        List<Target> targets = new ArrayList<>();
        for (int port : options.ports()) {
            targets.add(new Target(host, null, port, null));
        }
        return finish(host, null, null, run(targets));
    }

    /** One host and port. */
    public Diagnosis host(String host, int port) throws InterruptedException {
        return finish(HostAndPort.format(host, port), null, null, run(List.of(new Target(host, null, port, null))));
    }

    private record Target(String host, String address, int port, Dane dane) {
    }

    private List<PortCheck> run(List<Target> targets) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(16, targets.size())));
        try {
            List<Future<PortCheck>> futures = new ArrayList<>();
            for (Target target : targets) {
                futures.add(pool.submit(() -> new PortProbe(options, target.host(), target.address(), target.port(), progress,
                        listeners, target.dane()).run()));
            }
            List<PortCheck> checks = new ArrayList<>();
            for (Future<PortCheck> future : futures) {
                try {
                    checks.add(future.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a check failed unexpectedly: " + e.getCause(), e.getCause());
                }
            }
            return checks;
        } finally {
            pool.shutdownNow();
        }
    }

    private Diagnosis finish(String target, MxReport mx, DomainRecords published, List<PortCheck> checks) {
        List<Dnsbl> listings = blocklistZones.isEmpty() ? List.of() : blocklists(mx, checks);
        SmugglingCheck smuggling = probeSmuggling ? smuggle(checks) : null;
        Findings judge = new Findings(texts);
        List<Finding> findings = judge.of(mx, checks, options);
        new DomainFindings(texts).addTo(findings, published, checks, listings, smuggling);
        findings.sort(Comparator.comparing(Finding::severity).reversed());
        Severity worst = findings.isEmpty() ? Severity.INFO : findings.get(0).severity();
        String verdict = judge.verdict(mx, checks, findings);
        return new Diagnosis(target, mx, published, checks, listings, smuggling, findings, verdict, worst.exitCode());
    }

    /** Every address checked (the MX hosts'), then the user's own, each in every zone. */
    private List<Dnsbl> blocklists(MxReport mx, List<PortCheck> checks) {
        java.util.Set<String> addresses = new java.util.LinkedHashSet<>();
        if (mx != null) {
            mx.hosts().forEach(host -> addresses.addAll(host.addresses()));
        }
        checks.stream().map(PortCheck::address).filter(a -> a != null && !a.isEmpty()).forEach(addresses::add);
        List<Dnsbl> listings = new ArrayList<>();
        for (String address : addresses) {
            progress.step(address, "DNSBL");
            listings.addAll(Dnsbl.check(address, "mx", blocklistZones, options.dns()));
            progress.done(address);
        }
        String self = ownAddress != null ? ownAddress : OwnAddress.in(checks);
        if (self != null) {
            listings.addAll(Dnsbl.check(self, "self", blocklistZones, options.dns()));
        }
        return listings;
    }

    /** The probe goes to the first host and port that greeted, port 25 first. */
    private SmugglingCheck smuggle(List<PortCheck> checks) {
        PortCheck chosen = checks.stream().filter(c -> c.banner() != null && c.banner().code() == 220)
                .min(Comparator.comparing(c -> c.port() == 25 ? 0 : 1)).orElse(null);
        if (chosen == null) {
            return new SmugglingCheck("", SmugglingCheck.Outcome.NOT_TRIED, List.of(), List.of(),
                    "no server greeted, so there was nowhere to send the probe");
        }
        progress.step(chosen.where(), "smuggling probe");
        try {
            return new SmugglingProbe(options).run(chosen.host(), chosen.address(), chosen.port());
        } finally {
            progress.done(chosen.where());
        }
    }

    static Duration slowBanner() {
        return SLOW_BANNER;
    }

    static long expiryWarningDays() {
        return EXPIRY_WARNING_DAYS;
    }
}
