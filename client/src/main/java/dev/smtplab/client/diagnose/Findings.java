package dev.smtplab.client.diagnose;

import dev.smtplab.client.dns.MxReport;
import dev.smtplab.client.explain.ReplyExplainer;
import dev.smtplab.client.protocol.Extensions;
import dev.smtplab.client.protocol.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the checks mean: findings with hints, and the one-line verdict. */
final class Findings {
    private Findings() {
    }

    static List<Finding> of(MxReport mx, List<PortCheck> checks, Diagnoser.Options options) {
        List<Finding> findings = new ArrayList<>();
        if (mx != null) {
            if (mx.error() != null) {
                findings.add(new Finding(Severity.CRITICAL, mx.domain(), mx.error(),
                        "check the domain's spelling and its DNS records"));
            } else if (mx.nullMx()) {
                findings.add(new Finding(Severity.CRITICAL, mx.domain(),
                        "the domain publishes a null MX (RFC 7505): it accepts no mail", "send to another domain"));
            } else if (mx.implicit()) {
                findings.add(new Finding(Severity.INFO, mx.domain(),
                        "no MX record: mail goes to the domain's own address (implicit MX, RFC 5321 5.1)", ""));
            }
        }
        boolean port25FilteredEverywhere = checks.stream().anyMatch(c -> c.port() == 25)
                && checks.stream().filter(c -> c.port() == 25).allMatch(c -> c.connect() == ConnectState.FILTERED);
        boolean submissionAnswers = checks.stream().anyMatch(c -> c.port() != 25 && c.connect() == ConnectState.OPEN);
        if (port25FilteredEverywhere && submissionAnswers) {
            findings.add(new Finding(Severity.CRITICAL, "port 25",
                    "port 25 is filtered on every host while other ports answer: outbound port 25 is probably blocked "
                            + "by your network or provider",
                    "ask them to unblock it, or submit through port 587 with authentication"));
        }
        if (!checks.isEmpty() && checks.stream().noneMatch(c -> c.connect() == ConnectState.OPEN)) {
            findings.add(new Finding(Severity.CRITICAL, "",
                    "no host answered on any port checked", "check the host, the ports and your network (firewall, VPN)"));
        }
        for (PortCheck check : checks) {
            perPort(check, options, findings, port25FilteredEverywhere && check.port() == 25);
        }
        return findings;
    }

    private static void perPort(PortCheck check, Diagnoser.Options options, List<Finding> findings, boolean explained) {
        String where = check.where();
        switch (check.connect()) {
            case REFUSED -> findings.add(new Finding(Severity.ERROR, where, "connection refused: nothing listens on "
                    + "port " + check.port(), "is the server running, and on this port?"));
            case FILTERED -> {
                if (!explained) {
                    findings.add(new Finding(Severity.ERROR, where, "no answer after " + check.connectMillis()
                            + " ms (filtered: a firewall drops the traffic)", "check the firewalls between you and the server"));
                }
            }
            case UNREACHABLE -> findings.add(new Finding(Severity.ERROR, where, "the host is unreachable from here",
                    "check routing and VPNs"));
            case NAME_NOT_FOUND -> findings.add(new Finding(Severity.CRITICAL, where, "the host name does not resolve",
                    "check the spelling, or the DNS"));
            case FAILED -> findings.add(new Finding(Severity.ERROR, where, check.failure().message(),
                    "check the host and the port"));
            case OPEN -> {
            }
        }
        if (check.connect() != ConnectState.OPEN) {
            return;
        }
        Reply banner = check.banner();
        if (check.speaksInstead() != null) {
            findings.add(new Finding(Severity.ERROR, where, "wrong TLS mode: the port speaks " + (check.speaksInstead()
                    == TlsKind.IMPLICIT ? "implicit TLS: this port expects TLS from the first byte, not plain SMTP"
                    : "plain SMTP: this port does not speak TLS from the first byte (use STARTTLS)"),
                    check.tlsKind() == TlsKind.IMPLICIT ? "use STARTTLS on this port" : "use implicit TLS (--tls) on this port"));
        } else if (banner == null && check.failure() != null && !check.failedAt(CheckFailure.Kind.TLS_FAILED)) {
            findings.add(new Finding(Severity.ERROR, where, "connected, but " + check.failure().message(),
                    "the server may be overloaded, or something between you swallows SMTP"));
        }
        if (banner != null && banner.code() != 220) {
            findings.add(new Finding(Severity.ERROR, where, "the server refuses sessions: " + banner.code() + " "
                    + banner.text(), "it does not accept mail from your address; read the reply text"));
        }
        if (banner != null && check.bannerMillis() > Diagnoser.slowBanner().toMillis()) {
            findings.add(new Finding(Severity.WARNING, where, "slow banner: " + check.bannerMillis() + " ms",
                    "some servers wait before greeting on purpose (a greet pause against spam); clients must wait too"));
        }
        if (check.heloFallback()) {
            findings.add(new Finding(Severity.WARNING, where, "EHLO is refused; only HELO works (no extensions)",
                    "an old or misconfigured server: no STARTTLS, no SIZE, no AUTH"));
        }
        if (check.tlsKind() == TlsKind.STARTTLS && banner != null && banner.code() == 220
                && !check.heloFallback() && !new Extensions(check.capabilities()).offers("STARTTLS")) {
            findings.add(new Finding(Severity.WARNING, where, "no STARTTLS offered: mail to this port travels unencrypted",
                    "turn on STARTTLS on the server"));
        }
        if (check.tls() != null) {
            if (!check.tls().verified() && check.port() == 25) {
                // Between servers (port 25) TLS is opportunistic: senders encrypt but rarely verify.
                findings.add(new Finding(Severity.WARNING, where, "the certificate does not verify: "
                        + check.tls().verifyError() + " (on port 25 most senders use TLS without checking "
                        + "certificates, so mail still flows)", "use a certificate from a trusted CA for this name, "
                        + "so senders that do check (MTA-STS, DANE) accept it"));
            } else if (!check.tls().verified()) {
                findings.add(new Finding(Severity.ERROR, where, "the certificate does not verify: " + check.tls().verifyError(),
                        "mail clients submitting here check certificates and will refuse it; use a certificate from a "
                                + "trusted CA for this name"));
            } else if (check.tls().daysLeft() < Diagnoser.expiryWarningDays()) {
                findings.add(new Finding(Severity.WARNING, where, "the certificate expires in " + check.tls().daysLeft()
                        + " days", "renew it"));
            }
            boolean authBefore = new Extensions(check.capabilities()).offers("AUTH");
            boolean authAfter = new Extensions(check.capabilitiesAfterTls()).offers("AUTH");
            if (authAfter && !authBefore && check.tlsKind() == TlsKind.STARTTLS) {
                findings.add(new Finding(Severity.INFO, where, "AUTH is offered only after STARTTLS (as it should be)", ""));
            }
        } else if (check.failedAt(CheckFailure.Kind.TLS_FAILED) && check.speaksInstead() == null) {
            findings.add(new Finding(Severity.ERROR, where, check.failure().message(), "check the server's TLS setup"));
        } else if (check.failedAt(CheckFailure.Kind.STARTTLS_REFUSED)) {
            findings.add(new Finding(Severity.ERROR, where, check.failure().message(),
                    "the server offers STARTTLS but refuses it"));
        }
        if (check.authReply() != null) {
            if (check.authReply().isPositive()) {
                findings.add(new Finding(Severity.INFO, where, "logged in as " + options.authUser(), ""));
            } else {
                findings.add(new Finding(Severity.ERROR, where, "login as " + options.authUser() + " refused: "
                        + oneLine(check.authReply()), ReplyExplainer.hint(check.authReply())));
            }
        }
        if (check.sender() != null) {
            Reply mail = check.sender().mail();
            Reply rcpt = check.sender().rcpt();
            if (!mail.isPositive()) {
                findings.add(new Finding(Severity.ERROR, where, "the sender " + options.from() + " is refused: "
                        + oneLine(mail), meaning(mail)));
            } else if (rcpt != null && !rcpt.isPositive()) {
                findings.add(new Finding(Severity.ERROR, where, "the recipient " + options.to() + " is refused: "
                        + oneLine(rcpt), meaning(rcpt)));
            }
        }
        if (Boolean.FALSE.equals(check.reverseMatchesBanner())) {
            findings.add(new Finding(Severity.WARNING, where, "reverse DNS of " + check.address() + " is "
                    + check.reverseDns() + ", but the banner names " + check.bannerName(),
                    "some receivers distrust servers whose names disagree"));
        } else if (check.reverseDns() == null && check.address() != null) {
            findings.add(new Finding(Severity.INFO, where, "no reverse DNS (PTR) for " + check.address(), ""));
        }
    }

    /** What a refusal means, and what to do about it. */
    private static String meaning(Reply reply) {
        return ReplyExplainer.explain(reply).summary() + "; " + ReplyExplainer.hint(reply);
    }

    private static String oneLine(Reply reply) {
        return reply.wireText().replace("\r\n", " ");
    }

    static String verdict(MxReport mx, List<PortCheck> checks, List<Finding> findings) {
        if (findings.isEmpty() || findings.get(0).severity() == Severity.INFO) {
            long open = checks.stream().filter(c -> c.connect() == ConnectState.OPEN).count();
            return "looks good: " + open + " of " + checks.size() + " host:port pairs answer and nothing is wrong";
        }
        Finding worst = findings.get(0);
        return worst.severity().name().toLowerCase(Locale.ROOT) + ": " + worst.message()
                + (worst.hint().isEmpty() ? "" : " (" + worst.hint() + ")");
    }
}
