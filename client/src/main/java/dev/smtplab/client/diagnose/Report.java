package dev.smtplab.client.diagnose;

import dev.smtplab.client.dns.MxReport;
import dev.smtplab.client.i18n.Texts;
import org.jline.utils.AttributedString;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The human report: MX hosts, one table row per host and port, the findings worst first, the verdict. */
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
        String format = "%-28s %-17s %-18s %-34s %-26s %s%n";
        out.printf(format, "HOST:PORT", "CONNECT", "BANNER", "EHLO", "TLS", "SENDER");
        for (PortCheck check : diagnosis.checks()) {
            out.printf(format, cut(check.where(), 28), check.connect().label() + " " + check.connectMillis() + " ms",
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
