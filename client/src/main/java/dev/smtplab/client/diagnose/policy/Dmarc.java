package dev.smtplab.client.diagnose.policy;

import dev.smtplab.client.diagnose.Severity;
import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.dns.TxtLookup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A domain's DMARC record (RFC 7489) at {@code _dmarc.DOMAIN}, or its parent's when the domain has
 * none (a simplification of the organizational domain: one label up): the policy, the report
 * addresses, and the usual mistakes.
 *
 * @param name      where the record was found, or the name asked when none was
 * @param record    the record, or null
 * @param policy    p=: none, quarantine or reject; null without a valid record
 * @param inherited true when the record is the parent domain's, which applies through its sp=
 */
public record Dmarc(String name, String record, String policy, String subdomainPolicy, int percent,
                    List<String> aggregateReports, List<String> failureReports, boolean inherited,
                    List<Problem> problems) {
    private static final Set<String> POLICIES = Set.of("none", "quarantine", "reject");

    public Dmarc {
        aggregateReports = List.copyOf(aggregateReports);
        failureReports = List.copyOf(failureReports);
        problems = List.copyOf(problems);
    }

    public static Dmarc check(String domain, TxtLookup dns) {
        String name = "_dmarc." + domain;
        Dns.TxtAnswer answer = dns.txt(name);
        boolean inherited = false;
        if (answer.error() == null && answer.tagged("v=DMARC1").isEmpty() && domain.split("\\.").length > 2) {
            Dns.TxtAnswer parent = dns.txt("_dmarc." + domain.substring(domain.indexOf('.') + 1));
            if (!parent.tagged("v=DMARC1").isEmpty()) {
                answer = parent;
                inherited = true;
            }
        }
        if (answer.error() != null) {
            return empty(name, Problem.of(Severity.WARNING, "dmarc.lookupFailed", answer.error()));
        }
        List<String> records = answer.tagged("v=DMARC1");
        if (records.isEmpty()) {
            // Receivers discard a record that does not start with v=DMARC1 (RFC 7489, 6.6.3): say why.
            String misplaced = answer.records().stream().filter(r -> r.toUpperCase().contains("V=DMARC1")).findFirst()
                    .orElse(null);
            return misplaced != null ? new Dmarc(answer.name(), misplaced, null, null, 100, List.of(), List.of(), inherited,
                    List.of(Problem.of(Severity.ERROR, "dmarc.syntax", answer.name(),
                            "v=DMARC1 must come first, so receivers ignore the record")))
                    : empty(name, Problem.of(Severity.WARNING, "dmarc.none", name));
        }
        if (records.size() > 1) {
            return empty(answer.name(), Problem.of(Severity.ERROR, "dmarc.multiple", answer.name(), records.size()));
        }
        return parse(answer.name(), records.get(0), inherited);
    }

    private static Dmarc empty(String name, Problem problem) {
        return new Dmarc(name, null, null, null, 100, List.of(), List.of(), false, List.of(problem));
    }

    static Dmarc parse(String name, String record, boolean inherited) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> tags;
        try {
            tags = TagList.parse(record);
        } catch (IllegalArgumentException e) {
            return new Dmarc(name, record, null, null, 100, List.of(), List.of(), inherited,
                    List.of(Problem.of(Severity.ERROR, "dmarc.syntax", name, e.getMessage())));
        }
        String policy = tags.get("p");
        if (policy == null || !POLICIES.contains(policy.toLowerCase())) {
            problems.add(Problem.of(Severity.ERROR, "dmarc.badPolicy", name, policy == null ? "(none)" : policy));
            policy = null;
        } else {
            policy = policy.toLowerCase();
        }
        String subdomainPolicy = tags.get("sp");
        if (subdomainPolicy != null && !POLICIES.contains(subdomainPolicy.toLowerCase())) {
            problems.add(Problem.of(Severity.ERROR, "dmarc.syntax", name, "sp=" + subdomainPolicy));
        }
        int percent = 100;
        if (tags.containsKey("pct")) {
            try {
                percent = Integer.parseInt(tags.get("pct"));
            } catch (NumberFormatException e) {
                percent = -1;
            }
            if (percent < 0 || percent > 100) {
                problems.add(Problem.of(Severity.ERROR, "dmarc.syntax", name, "pct=" + tags.get("pct")));
                percent = 100;
            }
        }
        List<String> rua = uris(tags.get("rua"), name, problems);
        List<String> ruf = uris(tags.get("ruf"), name, problems);
        String effective = inherited && subdomainPolicy != null ? subdomainPolicy.toLowerCase() : policy;
        if ("none".equals(effective)) {
            problems.add(Problem.of(Severity.WARNING, "dmarc.monitorOnly", name));
        } else if (effective != null && percent < 100) {
            problems.add(Problem.of(Severity.INFO, "dmarc.partial", name, percent, effective));
        }
        if (rua.isEmpty()) {
            problems.add(Problem.of(Severity.INFO, "dmarc.noReports", name));
        }
        return new Dmarc(name, record, policy, subdomainPolicy, percent, rua, ruf, inherited, problems);
    }

    /** A comma-separated list of report addresses (mailto: URIs, with an optional !size). */
    private static List<String> uris(String value, String name, List<Problem> problems) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> uris = new ArrayList<>();
        for (String uri : value.split(",")) {
            String trimmed = uri.trim();
            if (!trimmed.regionMatches(true, 0, "mailto:", 0, 7) || !trimmed.contains("@")) {
                problems.add(Problem.of(Severity.ERROR, "dmarc.badUri", name, trimmed));
            } else {
                uris.add(trimmed);
            }
        }
        return uris;
    }
}
