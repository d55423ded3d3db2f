package dev.smtplab.client.diagnose;

import dev.smtplab.client.diagnose.policy.Dnsbl;
import dev.smtplab.client.dns.MxReport;

import java.util.List;

/**
 * The whole run: the MX hosts and published records (for a domain), every host and port checked,
 * the blocklist answers (with --dnsbl), the smuggling probe (with --probe-smuggling), the findings
 * worst first, the verdict.
 *
 * @param records    null for a host target
 * @param blocklists empty unless asked for
 * @param smuggling  null unless asked for
 */
public record Diagnosis(String target, MxReport mx, DomainRecords records, List<PortCheck> checks,
                        List<Dnsbl> blocklists, SmugglingCheck smuggling, List<Finding> findings, String verdict,
                        int exitCode) {
    public Diagnosis {
        checks = List.copyOf(checks);
        blocklists = List.copyOf(blocklists);
        findings = List.copyOf(findings);
    }
}
