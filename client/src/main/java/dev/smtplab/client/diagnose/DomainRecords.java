package dev.smtplab.client.diagnose;

import dev.smtplab.client.diagnose.policy.Dane;
import dev.smtplab.client.diagnose.policy.Dmarc;
import dev.smtplab.client.diagnose.policy.MtaSts;
import dev.smtplab.client.diagnose.policy.Spf;
import dev.smtplab.client.diagnose.policy.TlsRpt;
import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.dns.Dnssec;
import dev.smtplab.client.dns.MxReport;
import org.xbill.DNS.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * What a domain publishes about its mail besides MX: SPF, DMARC, TLS-RPT, MTA-STS (with its
 * policy), and, with DNSSEC, whether the MX records are signed and each MX host's TLSA records.
 *
 * @param mxDnssec what DNSSEC validation made of the MX records; null when DNSSEC was not checked
 * @param dane     one entry per MX host; empty when DNSSEC was not checked
 * @param mxPort   the port MX hosts receive mail on, whose TLS MTA-STS and DANE speak of: 25
 *                 (another only for a test server)
 */
public record DomainRecords(Dnssec.Status mxDnssec, String mxDnssecReason, Spf spf, Dmarc dmarc, TlsRpt tlsRpt,
                            MtaSts mtaSts, List<Dane> dane, int mxPort) {
    public DomainRecords {
        dane = List.copyOf(dane);
    }

    /** DANE for this host, when DNSSEC proves both the MX records and its TLSA records; else null. */
    public Dane daneFor(String host) {
        if (mxDnssec != Dnssec.Status.SECURE) {
            return null;
        }
        return dane.stream().filter(d -> d.host().equalsIgnoreCase(host) && d.applies()).findFirst().orElse(null);
    }

    static DomainRecords check(String domain, MxReport mx, Dns dns, Dnssec dnssec, MtaSts.Fetch fetch, int mxPort) {
        Spf spf = Spf.check(domain, dns);
        Dmarc dmarc = Dmarc.check(domain, dns);
        MtaSts mtaSts = MtaSts.check(domain, dns, fetch);
        Dnssec.Status mxStatus = null;
        String mxReason = null;
        List<Dane> dane = new ArrayList<>();
        if (dnssec != null) {
            Dnssec.Answer answer = dnssec.query(domain, mx.implicit() ? Type.A : Type.MX);
            mxStatus = answer.status();
            mxReason = answer.reason();
            for (MxReport.MxHost host : mx.hosts()) {
                dane.add(Dane.lookUp(host.host(), mxPort, dnssec));
            }
        }
        boolean tlsPolicy = mtaSts.inForce() || dane.stream().anyMatch(Dane::applies);
        TlsRpt tlsRpt = TlsRpt.check(domain, dns, tlsPolicy);
        return new DomainRecords(mxStatus, mxReason, spf, dmarc, tlsRpt, mtaSts, dane, mxPort);
    }
}
