package dev.smtplab.client.diagnose;

import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.dns.MxReport;
import dev.smtplab.client.explain.ReplyExplainer;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.Sasl;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.TlsFailure;
import dev.smtplab.client.protocol.TlsInfo;
import dev.smtplab.client.protocol.TlsSettings;
import dev.smtplab.client.send.ConnectFailure;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The manual checklist, automated: for each host and port, connect, banner, EHLO, TLS (STARTTLS
 * or implicit), optionally MAIL FROM and RCPT TO (never DATA), reverse DNS; then findings, worst
 * first, and a verdict. Hosts and ports are checked in parallel, each step bounded by a timeout.
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

    public Diagnoser(Options options) {
        this.options = options;
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

    /** One host and port. */
    public Diagnosis host(String host, int port) throws InterruptedException {
        return finish(host + ":" + port, null, run(List.of(new Target(host, null, port))));
    }

    private record Target(String host, String address, int port) {
    }

    private List<PortCheck> run(List<Target> targets) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(16, targets.size())));
        try {
            List<Future<PortCheck>> futures = new ArrayList<>();
            for (Target target : targets) {
                futures.add(pool.submit(() -> check(target)));
            }
            List<PortCheck> checks = new ArrayList<>();
            for (Future<PortCheck> future : futures) {
                try {
                    checks.add(future.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a check failed unexpectedly: " + e.getCause(), e.getCause());
                }
            }
            return checks;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The state of one check as it goes; becomes a {@link PortCheck}. */
    private static final class Progress {
        String host;
        String address;
        int port;
        String tlsMode;
        String connect = "not tried";
        long connectMillis;
        Integer bannerCode;
        String banner;
        long bannerMillis;
        List<String> capabilities = List.of();
        boolean heloFallback;
        PortCheck.Tls tls;
        List<String> capabilitiesAfterTls = List.of();
        String wrongTlsMode;
        String authReply;
        PortCheck.SenderCheck sender;
        String reverseDns;
        Boolean reverseMatches;
        String error;

        PortCheck done() {
            return new PortCheck(host, address, port, tlsMode, connect, connectMillis, bannerCode, banner, bannerMillis,
                    capabilities, heloFallback, tls, capabilitiesAfterTls, wrongTlsMode, authReply, sender, reverseDns,
                    reverseMatches, error);
        }
    }

    private PortCheck check(Target target) {
        Progress p = new Progress();
        p.host = target.host();
        p.port = target.port();
        p.tlsMode = options.implicitTlsPorts().contains(target.port()) ? "implicit" : "starttls";
        String connectTo = target.address() == null || target.address().isEmpty() ? target.host() : target.address();
        long started = System.nanoTime();
        SmtpConnection smtp;
        try {
            smtp = SmtpConnection.connect(connectTo, target.port(), options.connectTimeout(), options.replyTimeout());
            p.connect = "open";
        } catch (IOException e) {
            ConnectFailure failure = ConnectFailure.of(e, target.host(), target.port(), options.connectTimeout());
            p.connect = switch (failure.exitCode()) {
                case CONNECTION_REFUSED -> "refused";
                case CONNECT_TIMEOUT -> e instanceof SocketTimeoutException ? "filtered" : "unreachable";
                case NAME_NOT_FOUND -> "name not found";
                default -> "failed";
            };
            p.error = failure.message();
            p.connectMillis = millis(started);
            p.address = target.address();
            return p.done();
        }
        p.connectMillis = millis(started);
        p.address = smtp.socket().getInetAddress().getHostAddress();
        try (smtp) {
            if (p.tlsMode.equals("implicit") && !implicitTls(smtp, p)) {
                return p.done();
            }
            if (!banner(smtp, p)) {
                return p.done();
            }
            ehlo(smtp, p, false);
            if (p.tlsMode.equals("starttls") && p.capabilities.stream().anyMatch(c -> c.equalsIgnoreCase("STARTTLS"))) {
                Reply reply = smtp.command("STARTTLS");
                if (reply.code() == 220) {
                    p.tls = handshake(smtp, target.host(), p);
                    if (p.tls != null) {
                        ehlo(smtp, p, true);
                    }
                } else {
                    p.error = "STARTTLS was refused: " + reply.wireText();
                }
            }
            if (options.authUser() != null && (p.tlsMode.equals("implicit") || p.tls != null)) {
                p.authReply = smtp.command("AUTH PLAIN " + Sasl.plain(options.authUser(), options.authPassword())).wireText();
            }
            if (options.from() != null && (p.tlsMode.equals("implicit") || p.tls != null || p.error == null)) {
                p.sender = sender(smtp);
            }
            quietly(() -> smtp.command("QUIT"));
        } catch (IOException e) {
            if (p.error == null) {
                p.error = "the server broke off: " + e.getMessage();
            }
        }
        reverseDns(p);
        return p.done();
    }

    private boolean implicitTls(SmtpConnection smtp, Progress p) {
        p.tls = handshake(smtp, p.host, p);
        if (p.tls == null) {
            if (p.error != null && p.error.contains("did not answer in TLS")) {
                p.wrongTlsMode = "plain SMTP: this port does not speak TLS from the first byte (use STARTTLS)";
            }
            return false;
        }
        return true;
    }

    private boolean banner(SmtpConnection smtp, Progress p) {
        long started = System.nanoTime();
        try {
            Reply banner = smtp.readReply();
            p.bannerMillis = millis(started);
            p.bannerCode = banner.code();
            p.banner = banner.text();
            return banner.code() == 220;
        } catch (SocketTimeoutException e) {
            p.bannerMillis = millis(started);
            p.error = "no banner within " + options.replyTimeout().toSeconds() + " s";
            if (p.tlsMode.equals("starttls") && speaksImplicitTls(p)) {
                p.wrongTlsMode = "implicit TLS: this port expects TLS from the first byte, not plain SMTP";
            }
            return false;
        } catch (IOException e) {
            p.bannerMillis = millis(started);
            String message = String.valueOf(e.getMessage());
            if (message.contains("not an SMTP reply")) {
                p.error = "the server sent something that is not SMTP: " + message;
            } else {
                p.error = "no banner: " + message;
            }
            return false;
        }
    }

    /** A silent plain-text port may be an implicit-TLS one: try a handshake on a fresh connection. */
    private boolean speaksImplicitTls(Progress p) {
        try (SmtpConnection probe = SmtpConnection.connect(p.address, p.port, options.connectTimeout(), options.replyTimeout())) {
            probe.startTls(new TlsSettings(null, true).socketFactory(), false);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void ehlo(SmtpConnection smtp, Progress p, boolean afterTls) throws IOException {
        Reply reply = smtp.command("EHLO " + options.helo());
        List<String> capabilities;
        if (reply.code() == 500 || reply.code() == 502) {
            p.heloFallback = true;
            smtp.command("HELO " + options.helo());
            capabilities = List.of();
        } else if (reply.isPositive()) {
            capabilities = reply.lines().subList(1, reply.lines().size());
        } else {
            p.error = "EHLO was refused: " + reply.wireText();
            capabilities = List.of();
        }
        if (afterTls) {
            p.capabilitiesAfterTls = capabilities;
        } else {
            p.capabilities = capabilities;
        }
    }

    private PortCheck.Tls handshake(SmtpConnection smtp, String hostName, Progress p) {
        ObservingTrust trust;
        try {
            trust = new ObservingTrust(options.tls().trustManager());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            smtp.startTls(context.getSocketFactory(), !options.tls().insecure());
        } catch (IOException | GeneralSecurityException e) {
            p.error = "TLS failed: " + TlsFailure.reason(e, hostName);
            return null;
        }
        TlsInfo info = smtp.tls().orElseThrow();
        Certificate[] chain = smtp.peerCertificates();
        List<String> names = new ArrayList<>();
        long daysLeft = 0;
        if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
            try {
                if (certificate.getSubjectAlternativeNames() != null) {
                    certificate.getSubjectAlternativeNames().forEach(name -> names.add(String.valueOf(name.get(1))));
                }
            } catch (java.security.cert.CertificateParsingException e) {
                // no names to show
            }
            daysLeft = Duration.between(Instant.now(), certificate.getNotAfter().toInstant()).toDays();
        }
        boolean verified = options.tls().insecure() || trust.failure() == null;
        String why = trust.failure() == null ? null : TlsFailure.reason(trust.failure(), hostName);
        return new PortCheck.Tls(info.protocol(), info.cipher(), info.subject(), names, info.issuer(), info.notAfter(),
                daysLeft, info.sha256Fingerprint(), verified, why);
    }

    private PortCheck.SenderCheck sender(SmtpConnection smtp) throws IOException {
        Reply mail = smtp.command("MAIL FROM:<" + options.from() + ">");
        String rcptReply = null;
        String rcptMeaning = null;
        if (mail.isPositive() && options.to() != null) {
            Reply rcpt = smtp.command("RCPT TO:<" + options.to() + ">");
            rcptReply = rcpt.wireText();
            rcptMeaning = ReplyExplainer.explain(rcpt).summary() + "; " + ReplyExplainer.hint(rcpt);
        }
        quietly(() -> smtp.command("RSET"));
        return new PortCheck.SenderCheck(mail.wireText(), ReplyExplainer.explain(mail).summary()
                + (mail.isPositive() ? "" : "; " + ReplyExplainer.hint(mail)), rcptReply, rcptMeaning);
    }

    private void reverseDns(Progress p) {
        if (p.address == null || p.address.isEmpty() || options.dns() == null) {
            return;
        }
        p.reverseDns = options.dns().reverse(p.address).orElse(null);
        if (p.reverseDns != null && p.banner != null) {
            String bannerName = p.banner.split("\\s+")[0];
            p.reverseMatches = bannerName.equalsIgnoreCase(p.reverseDns.replaceAll("\\.$", ""));
        }
    }

    private Diagnosis finish(String target, MxReport mx, List<PortCheck> checks) {
        List<Finding> findings = Findings.of(mx, checks, options);
        findings.sort(Comparator.comparing(Finding::severity).reversed());
        Severity worst = findings.isEmpty() ? Severity.INFO : findings.get(0).severity();
        String verdict = Findings.verdict(mx, checks, findings);
        return new Diagnosis(target, mx, checks, findings, verdict, worst.exitCode());
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (IOException e) {
            // leaving: the answer does not matter
        }
    }

    private static long millis(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    static Duration slowBanner() {
        return SLOW_BANNER;
    }

    static long expiryWarningDays() {
        return EXPIRY_WARNING_DAYS;
    }
}
