package dev.smtplab.client.diagnose;

import dev.smtplab.client.dns.MxReport;
import dev.smtplab.client.explain.Explanation;
import dev.smtplab.client.explain.ReplyExplainer;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.Extensions;
import dev.smtplab.client.protocol.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the checks mean: findings with hints, and the one-line verdict, in the language of the texts
 * ({@code diagnose.*} keys). What servers and the network said is quoted as it came.
 */
final class Findings {
    private final Texts texts;
    private final ReplyExplainer explainer;

    Findings(Texts texts) {
        this.texts = texts;
        this.explainer = ReplyExplainer.in(texts);
    }

    private Finding finding(Severity severity, String where, String key, Object... values) {
        return Finding.of(texts, severity, where, key, values);
    }

    List<Finding> of(MxReport mx, List<PortCheck> checks, Diagnoser.Options options) {
        List<Finding> findings = new ArrayList<>();
        if (mx != null) {
            if (mx.error() != null) {
                findings.add(new Finding(Severity.CRITICAL, mx.domain(), mx.error(), texts.get("diagnose.mxError.hint")));
            } else if (mx.nullMx()) {
                findings.add(finding(Severity.CRITICAL, mx.domain(), "nullMx"));
            } else if (mx.implicit()) {
                findings.add(finding(Severity.INFO, mx.domain(), "implicitMx"));
            }
        }
        boolean port25FilteredEverywhere = checks.stream().anyMatch(c -> c.port() == 25)
                && checks.stream().filter(c -> c.port() == 25).allMatch(c -> c.connect() == ConnectState.FILTERED);
        boolean submissionAnswers = checks.stream().anyMatch(c -> c.port() != 25 && c.connect() == ConnectState.OPEN);
        if (port25FilteredEverywhere && submissionAnswers) {
            findings.add(finding(Severity.CRITICAL, "port 25", "port25Blocked"));
        }
        if (!checks.isEmpty() && checks.stream().noneMatch(c -> c.connect() == ConnectState.OPEN)) {
            findings.add(finding(Severity.CRITICAL, "", "nothingAnswered"));
        }
        for (PortCheck check : checks) {
            perPort(check, options, findings, port25FilteredEverywhere && check.port() == 25);
        }
        return findings;
    }

    private void perPort(PortCheck check, Diagnoser.Options options, List<Finding> findings, boolean explained) {
        String where = check.where();
        switch (check.connect()) {
            case REFUSED -> findings.add(finding(Severity.ERROR, where, "refused", check.port()));
            case FILTERED -> {
                if (!explained) {
                    findings.add(finding(Severity.ERROR, where, "filtered", check.connectMillis()));
                }
            }
            case UNREACHABLE -> findings.add(finding(Severity.ERROR, where, "unreachable"));
            case NAME_NOT_FOUND -> findings.add(finding(Severity.CRITICAL, where, "nameNotFound"));
            case FAILED -> findings.add(new Finding(Severity.ERROR, where, check.failure().message(),
                    texts.get("diagnose.failed.hint")));
            case OPEN -> {
            }
        }
        if (check.connect() != ConnectState.OPEN) {
            return;
        }
        Reply banner = check.banner();
        if (check.speaksInstead() != null) {
            findings.add(finding(Severity.ERROR, where, check.speaksInstead() == TlsKind.IMPLICIT ? "speaksImplicitTls"
                    : "speaksPlain"));
        } else if (banner == null && check.failure() != null && !check.failedAt(CheckFailure.Kind.TLS_FAILED)) {
            findings.add(finding(Severity.ERROR, where, "connectedBut", check.failure().message()));
        }
        if (banner != null && banner.code() != 220) {
            findings.add(finding(Severity.ERROR, where, "sessionRefused", banner.code() + " " + banner.text()));
        }
        if (banner != null && check.bannerMillis() > Diagnoser.slowBanner().toMillis()) {
            findings.add(finding(Severity.WARNING, where, "slowBanner", check.bannerMillis()));
        }
        if (check.heloFallback()) {
            findings.add(finding(Severity.WARNING, where, "heloOnly"));
        }
        if (check.tlsKind() == TlsKind.STARTTLS && banner != null && banner.code() == 220
                && !check.heloFallback() && !new Extensions(check.capabilities()).offers("STARTTLS")) {
            findings.add(finding(Severity.WARNING, where, "noStarttls"));
        }
        if (check.tls() != null) {
            if (!check.tls().verified() && check.port() == 25) {
                // Between servers (port 25) TLS is opportunistic: senders encrypt but rarely verify.
                findings.add(finding(Severity.WARNING, where, "unverifiedOn25", check.tls().verifyError()));
            } else if (!check.tls().verified()) {
                findings.add(finding(Severity.ERROR, where, "unverified", check.tls().verifyError()));
            } else if (check.tls().daysLeft() < Diagnoser.expiryWarningDays()) {
                findings.add(finding(Severity.WARNING, where, "expiresSoon", check.tls().daysLeft()));
            }
            boolean authBefore = new Extensions(check.capabilities()).offers("AUTH");
            boolean authAfter = new Extensions(check.capabilitiesAfterTls()).offers("AUTH");
            if (authAfter && !authBefore && check.tlsKind() == TlsKind.STARTTLS) {
                findings.add(finding(Severity.INFO, where, "authAfterTls"));
            }
        } else if (check.failedAt(CheckFailure.Kind.TLS_FAILED) && check.speaksInstead() == null) {
            findings.add(new Finding(Severity.ERROR, where, check.failure().message(), texts.get("diagnose.tlsFailed.hint")));
        } else if (check.failedAt(CheckFailure.Kind.STARTTLS_REFUSED)) {
            findings.add(new Finding(Severity.ERROR, where, check.failure().message(),
                    texts.get("diagnose.starttlsRefused.hint")));
        }
        if (check.authReply() != null) {
            if (check.authReply().isPositive()) {
                findings.add(finding(Severity.INFO, where, "loggedIn", options.authUser()));
            } else {
                findings.add(new Finding(Severity.ERROR, where, texts.get("diagnose.loginRefused", options.authUser(),
                        oneLine(check.authReply())), explainer.of(check.authReply()).hint()));
            }
        }
        if (check.sender() != null) {
            Reply mail = check.sender().mail();
            Reply rcpt = check.sender().rcpt();
            if (!mail.isPositive()) {
                findings.add(new Finding(Severity.ERROR, where, texts.get("diagnose.senderRefused", options.from(),
                        oneLine(mail)), meaning(mail)));
            } else if (rcpt != null && !rcpt.isPositive()) {
                findings.add(new Finding(Severity.ERROR, where, texts.get("diagnose.recipientRefused", options.to(),
                        oneLine(rcpt)), meaning(rcpt)));
            }
        }
        if (Boolean.FALSE.equals(check.reverseMatchesBanner())) {
            findings.add(finding(Severity.WARNING, where, "reverseMismatch", check.address(), check.reverseDns(),
                    check.bannerName()));
        } else if (check.reverseDns() == null && check.address() != null) {
            findings.add(finding(Severity.INFO, where, "noReverseDns", check.address()));
        }
    }

    /** What a refusal means, and what to do about it. */
    private String meaning(Reply reply) {
        Explanation explanation = explainer.of(reply);
        return texts.get("diagnose.meaning", explanation.summary(), explanation.hint());
    }

    private static String oneLine(Reply reply) {
        return reply.wireText().replace("\r\n", " ");
    }

    String verdict(MxReport mx, List<PortCheck> checks, List<Finding> findings) {
        if (findings.isEmpty() || findings.get(0).severity() == Severity.INFO) {
            long open = checks.stream().filter(c -> c.connect() == ConnectState.OPEN).count();
            return texts.get("diagnose.verdict.good", open, checks.size());
        }
        Finding worst = findings.get(0);
        return texts.get("diagnose.verdict", severity(worst.severity()), worst.message())
                + (worst.hint().isEmpty() ? "" : texts.get("diagnose.verdict.hint", worst.hint()));
    }

    /** The severity's word in the texts' language ("critical", "重大"). */
    String severity(Severity severity) {
        return texts.get("diagnose.severity." + severity.name().toLowerCase(Locale.ROOT));
    }
}
