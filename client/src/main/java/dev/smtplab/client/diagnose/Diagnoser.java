package dev.smtplab.client.diagnose;

import dev.smtplab.client.dns.Dns;
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
 * The manual checklist, automated: the targets (a domain's MX hosts, or one host), a {@link
 * PortProbe} for each host and port, in parallel, each step bounded by a timeout; then findings,
 * worst first, and a verdict.
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

    public Diagnoser(Options options) {
        this.options = options;
    }

    /** Tells {@code progress} what each check waits for. */
    /** The language of the findings and the verdict (English unless given). */
    /** Listeners to each probe's dialogue (smtplab diagnose --record); none by default. */
    public Diagnoser listenTo(ProbeListeners listeners) {
        this.listeners = listeners;
        return this;
    }

    public Diagnoser texts(Texts texts) {
        this.texts = texts;
        return this;
    }

    public void watch(Progress progress) {
        this.progress = progress;
    }

    /** A domain: its MX hosts (or its own address), every port of each. */
    public Diagnosis domain(String domain) throws InterruptedException {
        MxReport mx = options.dns().mx(domain);
        List<Target> targets = new ArrayList<>();
        for (MxReport.MxHost host : mx.hosts()) {
            List<String> addresses = host.addresses().isEmpty() ? List.of("") : host.addresses();
            for (String address : addresses) {
                for (int port : options.ports()) {
                    targets.add(new Target(host.host(), address, port));
                }
            }
        }
        return finish(domain, mx, run(targets));
    }

    /** One host (an IP address, say) on every port of the options. */
    public Diagnosis host(String host) throws InterruptedException {
        List<Target> targets = new ArrayList<>();
        for (int port : options.ports()) {
            targets.add(new Target(host, null, port));
        }
        return finish(host, null, run(targets));
    }

    /** One host and port. */
    public Diagnosis host(String host, int port) throws InterruptedException {
        return finish(HostAndPort.format(host, port), null, run(List.of(new Target(host, null, port))));
    }

    private record Target(String host, String address, int port) {
    }

    private List<PortCheck> run(List<Target> targets) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(16, targets.size())));
        try {
            List<Future<PortCheck>> futures = new ArrayList<>();
            for (Target target : targets) {
                futures.add(pool.submit(() -> new PortProbe(options, target.host(), target.address(), target.port(), progress,
                        listeners).run()));
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

    private Diagnosis finish(String target, MxReport mx, List<PortCheck> checks) {
        Findings judge = new Findings(texts);
        List<Finding> findings = judge.of(mx, checks, options);
        findings.sort(Comparator.comparing(Finding::severity).reversed());
        Severity worst = findings.isEmpty() ? Severity.INFO : findings.get(0).severity();
        String verdict = judge.verdict(mx, checks, findings);
        return new Diagnosis(target, mx, checks, findings, verdict, worst.exitCode());
    }

    static Duration slowBanner() {
        return SLOW_BANNER;
    }

    static long expiryWarningDays() {
        return EXPIRY_WARNING_DAYS;
    }
}
