package dev.smtplab.client.diagnose;

import dev.smtplab.client.diagnose.policy.Dane;
import dev.smtplab.client.diagnose.policy.Dnsbl;
import dev.smtplab.client.diagnose.policy.MtaSts;
import dev.smtplab.client.diagnose.policy.Problem;
import dev.smtplab.client.dns.Dnssec;
import dev.smtplab.client.i18n.Texts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Findings beyond one port: the published records (SPF, DMARC, TLS-RPT, MTA-STS) and how the MX
 * hosts live up to them (MTA-STS patterns and certificates, DNSSEC and DANE), each address family
 * on its own, the blocklists and the smuggling probe. Texts are {@code diagnose.*} keys.
 */
final class DomainFindings {
    private final Texts texts;

    DomainFindings(Texts texts) {
        this.texts = texts;
    }

    private Finding finding(Severity severity, String where, String key, Object... values) {
        return Finding.of(texts, severity, where, key, values);
    }

    private Finding of(Problem problem, String where) {
        return finding(problem.severity(), where, problem.key(), problem.values().toArray());
    }

    void addTo(List<Finding> findings, DomainRecords records, List<PortCheck> checks, List<Dnsbl> listings,
               SmugglingCheck smuggling) {
        if (records != null) {
            records.spf().problems().forEach(p -> findings.add(of(p, records.spf().domain())));
            records.dmarc().problems().forEach(p -> findings.add(of(p, records.dmarc().name())));
            records.tlsRpt().problems().forEach(p -> findings.add(of(p, records.tlsRpt().name())));
            records.mtaSts().problems().forEach(p -> findings.add(of(p, records.mtaSts().name())));
            mtaSts(records.mtaSts(), records.mxPort(), checks, findings);
            dane(records, checks, findings);
        }
        addressFamilies(checks, findings);
        blocklists(listings, findings);
        if (smuggling != null) {
            smuggling(smuggling, findings);
        }
    }

    /** Each MX host against the policy: its name among the patterns, and a valid certificate on port 25. */
    private void mtaSts(MtaSts policy, int mxPort, List<PortCheck> checks, List<Finding> findings) {
        if (!policy.inForce()) {
            return;
        }
        Severity severity = policy.enforced() ? Severity.ERROR : Severity.WARNING;
        Set<String> hosts = new LinkedHashSet<>();
        checks.forEach(check -> hosts.add(check.host()));
        List<String> outside = hosts.stream().filter(host -> !policy.matches(host)).toList();
        for (String host : outside) {
            findings.add(finding(outside.size() == hosts.size() && policy.enforced() ? Severity.CRITICAL : severity,
                    host, "mtasts.mxNotInPolicy", host, policy.mode(), String.join(", ", policy.mx())));
        }
        boolean allGood = outside.isEmpty();
        for (PortCheck check : checks) {
            if (check.port() != mxPort || !policy.matches(check.host()) || check.connect() != ConnectState.OPEN) {
                continue;
            }
            if (check.tls() == null) {
                findings.add(finding(severity, check.where(), "mtasts.noTls", policy.mode()));
                allGood = false;
            } else if (!check.tls().verified()) {
                findings.add(finding(severity, check.where(), "mtasts.certificate", policy.mode(), check.tls().verifyError()));
                allGood = false;
            }
        }
        if (allGood) {
            findings.add(finding(Severity.INFO, policy.name(), "mtasts.ok", policy.mode(), hosts.size()));
        }
    }

    private void dane(DomainRecords records, List<PortCheck> checks, List<Finding> findings) {
        if (records.mxDnssec() == null) {
            return;
        }
        if (records.mxDnssec() == Dnssec.Status.FAILED) {
            findings.add(finding(Severity.INFO, records.spf().domain(), "dnssec.unavailable", records.mxDnssecReason()));
            return;
        }
        if (records.mxDnssec() == Dnssec.Status.BOGUS) {
            findings.add(finding(Severity.CRITICAL, records.spf().domain(), "dnssec.mxBogus", records.mxDnssecReason()));
        }
        boolean mxSecure = records.mxDnssec() == Dnssec.Status.SECURE;
        for (Dane dane : records.dane()) {
            switch (dane.status()) {
                case BOGUS -> findings.add(finding(Severity.CRITICAL, dane.name(), "dane.bogus", dane.host(), dane.reason()));
                case FAILED -> findings.add(finding(Severity.WARNING, dane.name(), "dane.lookupFailed", dane.reason()));
                case INSECURE -> {
                    if (!dane.records().isEmpty()) {
                        findings.add(finding(Severity.INFO, dane.name(), "dane.unsigned", dane.host()));
                    }
                }
                case SECURE -> {
                    if (dane.records().isEmpty()) {
                        if (mxSecure) {
                            findings.add(finding(Severity.INFO, dane.name(), "dane.none", dane.host()));
                        }
                    } else if (!dane.applies()) {
                        findings.add(finding(Severity.WARNING, dane.name(), "dane.unusable", dane.host()));
                    } else if (!mxSecure) {
                        findings.add(finding(Severity.WARNING, dane.name(), "dane.mxInsecure", dane.host()));
                    } else {
                        daneOnMxPort(dane, records.mxPort(), checks, findings);
                    }
                }
            }
        }
    }

    private void daneOnMxPort(Dane dane, int mxPort, List<PortCheck> checks, List<Finding> findings) {
        for (PortCheck check : checks) {
            if (check.port() != mxPort || !check.host().equalsIgnoreCase(dane.host()) || check.connect() != ConnectState.OPEN) {
                continue;
            }
            if (check.tls() == null) {
                findings.add(finding(Severity.ERROR, check.where(), "dane.noTls"));
            } else if (Boolean.TRUE.equals(check.tls().daneMatch())) {
                findings.add(finding(Severity.INFO, check.where(), "dane.matches", check.tls().daneRecord()));
            } else {
                findings.add(finding(Severity.ERROR, check.where(), "dane.mismatch", check.tls().sha256Fingerprint()));
            }
        }
    }

    /**
     * Each address family on its own: a host and port that answers on one family and not the other
     * is a finding, unless this machine has no route for IPv6 at all, which is said once.
     */
    private void addressFamilies(List<PortCheck> checks, List<Finding> findings) {
        Map<String, List<PortCheck>> byPlace = new LinkedHashMap<>();
        for (PortCheck check : checks) {
            if (check.address() != null && !check.address().isEmpty() && !check.address().equals(check.host())) {
                byPlace.computeIfAbsent(check.where(), key -> new ArrayList<>()).add(check);
            }
        }
        List<PortCheck> ipv6 = checks.stream().filter(PortCheck::ipv6).toList();
        boolean noIpv6Route = !ipv6.isEmpty() && ipv6.stream().allMatch(c -> c.connect() == ConnectState.UNREACHABLE);
        if (noIpv6Route && checks.stream().anyMatch(c -> !c.ipv6() && c.connect() == ConnectState.OPEN)) {
            findings.add(finding(Severity.INFO, "IPv6", "ipv6.noRoute"));
            return;
        }
        for (var place : byPlace.entrySet()) {
            List<PortCheck> v4 = place.getValue().stream().filter(c -> !c.ipv6()).toList();
            List<PortCheck> v6 = place.getValue().stream().filter(PortCheck::ipv6).toList();
            boolean v4Works = v4.stream().anyMatch(c -> c.connect() == ConnectState.OPEN);
            boolean v6Works = v6.stream().anyMatch(c -> c.connect() == ConnectState.OPEN);
            if (v4Works && !v6.isEmpty() && !v6Works) {
                findings.add(finding(Severity.WARNING, place.getKey(), "ipv6.broken", addresses(v6), v6.get(0).connect().label(),
                        addresses(v4)));
            } else if (v6Works && !v4.isEmpty() && !v4Works) {
                findings.add(finding(Severity.WARNING, place.getKey(), "ipv4.broken", addresses(v4), v4.get(0).connect().label(),
                        addresses(v6)));
            }
        }
    }

    private static String addresses(List<PortCheck> checks) {
        return String.join(", ", checks.stream().map(PortCheck::address).toList());
    }

    private void blocklists(List<Dnsbl> listings, List<Finding> findings) {
        if (listings.isEmpty()) {
            return;
        }
        boolean anyListed = false;
        for (Dnsbl listing : listings) {
            String where = listing.address() + " @ " + listing.zone();
            if (listing.error() != null) {
                findings.add(finding(Severity.WARNING, listing.address(), "dnsbl.failed", listing.error()));
            } else if (listing.refused()) {
                findings.add(finding(Severity.WARNING, where, "dnsbl.refused", listing.zone(), String.join(" ", listing.answers())));
            } else if (listing.listed()) {
                anyListed = true;
                String reason = listing.reason() == null ? String.join(" ", listing.answers()) : listing.reason();
                findings.add(finding(listing.role().equals("self") ? Severity.ERROR : Severity.WARNING, where,
                        listing.role().equals("self") ? "dnsbl.selfListed" : "dnsbl.mxListed", listing.address(),
                        listing.zone(), reason));
            }
        }
        long addresses = listings.stream().map(Dnsbl::address).distinct().count();
        if (!anyListed) {
            findings.add(finding(Severity.INFO, "DNSBL", "dnsbl.clean", addresses,
                    listings.stream().map(Dnsbl::zone).distinct().count()));
        }
        if (listings.stream().noneMatch(l -> l.role().equals("self"))) {
            findings.add(finding(Severity.INFO, "DNSBL", "dnsbl.noOwnAddress"));
        }
    }

    private void smuggling(SmugglingCheck check, List<Finding> findings) {
        switch (check.outcome()) {
            case ENDED_EARLY -> findings.add(finding(Severity.ERROR, check.where(), "smuggling.vulnerable",
                    check.vulnerableTo().isEmpty() ? "?" : String.join(", ", check.vulnerableTo())));
            case KEPT_WHOLE -> findings.add(finding(Severity.INFO, check.where(), "smuggling.safe",
                    SmugglingProbe.SEQUENCES.size()));
            case REFUSED -> findings.add(finding(Severity.INFO, check.where(), "smuggling.refused",
                    check.replies().isEmpty() ? "" : check.replies().get(0)));
            case NOT_TRIED -> findings.add(check.where().isEmpty()
                    ? finding(Severity.INFO, "", "smuggling.noServer")
                    : finding(Severity.WARNING, check.where(), "smuggling.notTried", check.detail()));
        }
    }
}
