package dev.smtplab.client.diagnose;

import dev.smtplab.client.diagnose.policy.Dane;
import dev.smtplab.client.diagnose.policy.Dmarc;
import dev.smtplab.client.diagnose.policy.Dnsbl;
import dev.smtplab.client.diagnose.policy.MtaSts;
import dev.smtplab.client.diagnose.policy.Spf;
import dev.smtplab.client.dns.Dnssec;
import dev.smtplab.client.dns.MxReport;
import dev.smtplab.client.i18n.Texts;
import org.jline.utils.AttributedString;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The human report: MX hosts, the published records, one table row per host, address and port, the
 * blocklists and the smuggling probe when asked for, the findings worst first, the verdict.
 */
public final class Report {
    private Report() {
    }

    public static void mx(MxReport mx, PrintWriter out) {
        if (mx.error() != null) {
            out.println(mx.domain() + ": " + mx.error());
        } else if (mx.nullMx()) {
            out.println(mx.domain() + ": null MX (RFC 7505): this domain accepts no mail");
        } else {
            if (mx.implicit()) {
                out.println(mx.domain() + ": no MX record; implicit MX: the domain's own address receives mail");
            }
            out.printf("%-5s %-40s %s%n", "PREF", "HOST", "ADDRESSES");
            for (MxReport.MxHost host : mx.hosts()) {
                out.printf("%-5d %-40s %s%n", host.preference(), host.host(),
                        host.addresses().isEmpty() ? "(no address)" : String.join(" ", host.addresses()));
            }
        }
        out.flush();
    }

    /** The report, its words in the texts' language; what servers said is quoted as it came. */
    public static void diagnosis(Diagnosis diagnosis, PrintWriter out, Texts texts) {
        out.println("smtplab diagnose " + diagnosis.target());
        if (diagnosis.mx() != null) {
            mx(diagnosis.mx(), out);
            out.println();
        }
        if (diagnosis.records() != null) {
            records(diagnosis.records(), out, texts);
            out.println();
        }
        String format = "%-28s %-16s %-17s %-18s %-34s %-26s %s%n";
        out.printf(format, "HOST:PORT", "ADDRESS", "CONNECT", "BANNER", "EHLO", "TLS", "SENDER");
        for (PortCheck check : diagnosis.checks()) {
            out.printf(format, cut(check.where(), 28), cut(check.address() == null ? "-" : check.address(), 16),
                    check.connect().label() + " " + check.connectMillis() + " ms",
                    check.banner() == null ? "-" : check.banner().code() + " (" + check.bannerMillis() + " ms)",
                    cut(capabilities(check), 34), cut(tls(check), 26), sender(check));
        }
        for (PortCheck check : diagnosis.checks()) {
            if (!check.capabilityNotes(texts).isEmpty() || check.tls() != null) {
                out.println();
                out.println(check.where() + (check.banner() != null ? " (" + check.banner().text() + ")" : ""));
                for (String note : check.capabilityNotes(texts)) {
                    out.println("  " + note);
                }
                if (check.tls() != null) {
                    PortCheck.Tls tls = check.tls();
                    out.println("  TLS: " + tls.protocol() + ", " + tls.cipher());
                    out.println("  " + texts.get("diagnose.report.certificate", tls.subject(),
                            String.join(", ", tls.subjectAlternativeNames()), tls.issuer(), tls.notAfter(), tls.daysLeft()));
                    out.println("  SHA-256: " + tls.sha256Fingerprint());
                    out.println("  " + (tls.verified() ? texts.get("diagnose.report.verifies", check.host())
                            : texts.get("diagnose.report.doesNotVerify", check.host(), tls.verifyError())));
                }
            }
        }
        if (!diagnosis.blocklists().isEmpty()) {
            out.println();
            out.printf("%-40s %-24s %s%n", "DNSBL", "ADDRESS", "ANSWER");
            for (Dnsbl listing : diagnosis.blocklists()) {
                out.printf("%-40s %-24s %s%n", listing.zone(), listing.address() + " (" + listing.role() + ")",
                        listing.error() != null ? listing.error() : listing.answers().isEmpty() ? "not listed"
                                : String.join(" ", listing.answers()) + (listing.reason() == null ? "" : " " + listing.reason()));
            }
        }
        if (diagnosis.smuggling() != null) {
            SmugglingCheck smuggling = diagnosis.smuggling();
            out.println();
            out.println(texts.get("diagnose.report.smuggling", smuggling.where().isEmpty() ? "-" : smuggling.where()));
            out.println("  all sequences in one message: " + smuggling.outcome().label()
                    + (smuggling.detail() == null ? "" : " (" + smuggling.detail() + ")"));
            for (SmugglingCheck.Variant variant : smuggling.variants()) {
                out.printf("  %-16s %s%n", variant.sequence(), variant.outcome().label());
            }
        }
        out.println();
        out.println(texts.get("diagnose.report.findings"));
        if (diagnosis.findings().isEmpty()) {
            out.println("  " + texts.get("diagnose.report.none"));
        }
        for (Finding finding : diagnosis.findings()) {
            out.println("  " + padded(texts.get("diagnose.severity." + finding.severity().name().toLowerCase(Locale.ROOT))
                    .toUpperCase(Locale.ROOT), 8) + " " + (finding.where().isEmpty() ? "" : finding.where() + ": ")
                    + finding.message());
            if (!finding.hint().isEmpty()) {
                out.println("           " + texts.get("diagnose.report.hint", finding.hint()));
            }
        }
        out.println();
        out.println(texts.get("diagnose.report.verdict", diagnosis.verdict()));
        out.flush();
    }

    /** One line per published record: what was found, and what it says in short. */
    private static void records(DomainRecords records, PrintWriter out, Texts texts) {
        out.println(texts.get("diagnose.report.records"));
        String format = "  %-9s %s%n";
        if (records.mxDnssec() != null) {
            out.printf(format, "DNSSEC", "MX " + label(records.mxDnssec())
                    + (records.mxDnssecReason() == null ? "" : " (" + records.mxDnssecReason() + ")"));
        }
        Spf spf = records.spf();
        out.printf(format, "SPF", spf.record() == null ? spf.domain() + ": -"
                : spf.domain() + ": " + spf.record() + " (" + spf.lookups() + " of " + Spf.LOOKUP_LIMIT + " DNS lookups)");
        Dmarc dmarc = records.dmarc();
        out.printf(format, "DMARC", dmarc.name() + ": " + (dmarc.record() == null ? "-" : dmarc.record()
                + (dmarc.inherited() ? " (the parent domain's)" : "")));
        out.printf(format, "TLS-RPT", records.tlsRpt().name() + ": "
                + (records.tlsRpt().record() == null ? "-" : records.tlsRpt().record()));
        MtaSts sts = records.mtaSts();
        out.printf(format, "MTA-STS", sts.name() + ": " + (sts.record() == null ? "-" : sts.record()));
        if (sts.policyUrl() != null) {
            out.printf(format, "", sts.policyUrl() + ": " + (sts.mode() == null ? "no valid policy"
                    : "mode " + sts.mode() + ", max_age " + sts.maxAge() + ", mx " + String.join(" ", sts.mx())));
        }
        for (Dane dane : records.dane()) {
            out.printf(format, "DANE", dane.name() + ": " + (dane.records().isEmpty() ? "-"
                    : String.join(", ", dane.records().stream().map(Dane.Tlsa::toString).toList())) + " (" + label(dane.status()) + ")");
        }
    }

    private static String label(Dnssec.Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private static String capabilities(PortCheck check) {
        List<String> list = check.capabilitiesAfterTls().isEmpty() ? check.capabilities() : check.capabilitiesAfterTls();
        if (check.heloFallback()) {
            return "HELO only";
        }
        return list.isEmpty() ? "-" : String.join(" ", list.stream().map(c -> c.split(" ")[0]).toList());
    }

    private static String tls(PortCheck check) {
        if (check.tls() == null) {
            return check.speaksInstead() != null ? "wrong mode" : "-";
        }
        return check.tls().protocol() + (check.tls().verified() ? " verified" : " NOT verified");
    }

    private static String sender(PortCheck check) {
        if (check.sender() == null) {
            return "-";
        }
        PortCheck.SenderCheck sender = check.sender();
        return "MAIL " + sender.mail().code() + (sender.rcpt() == null ? "" : ", RCPT " + sender.rcpt().code());
    }

    /** The text and spaces to fill the width on a terminal, where a CJK character takes two columns. */
    static String padded(String text, int width) {
        return text + " ".repeat(Math.max(0, width - new AttributedString(text).columnLength()));
    }

    private static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "…";
    }
}
