package dev.smtplab.client.diagnose;

import dev.smtplab.client.dns.MxReport;

import java.util.List;

/** The whole run: the MX hosts (for a domain), every host and port checked, the findings worst first, the verdict. */
public record Diagnosis(String target, MxReport mx, List<PortCheck> checks, List<Finding> findings, String verdict,
                        int exitCode) {
    public Diagnosis {
        checks = List.copyOf(checks);
        findings = List.copyOf(findings);
    }
}
