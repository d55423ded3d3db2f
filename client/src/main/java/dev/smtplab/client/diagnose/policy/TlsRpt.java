package dev.smtplab.client.diagnose.policy;

import dev.smtplab.client.diagnose.Severity;
import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.dns.TxtLookup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A domain's SMTP TLS reporting record (RFC 8460) at {@code _smtp._tls.DOMAIN}: where senders
 * report failed TLS (mailto: or https: addresses).
 *
 * @param record the record, or null when there is none
 */
public record TlsRpt(String name, String record, List<String> reportTo, List<Problem> problems) {
    public TlsRpt {
        reportTo = List.copyOf(reportTo);
        problems = List.copyOf(problems);
    }

    /**
     * @param tlsPolicy the domain asks for TLS (MTA-STS or DANE), which is when reports matter most
     */
    public static TlsRpt check(String domain, TxtLookup dns, boolean tlsPolicy) {
        String name = "_smtp._tls." + domain;
        Dns.TxtAnswer answer = dns.txt(name);
        if (answer.error() != null) {
            return new TlsRpt(name, null, List.of(), List.of(Problem.of(Severity.WARNING, "tlsrpt.lookupFailed",
                    answer.error())));
        }
        List<String> records = answer.tagged("v=TLSRPTv1");
        if (records.isEmpty()) {
            return new TlsRpt(name, null, List.of(), List.of(Problem.of(tlsPolicy ? Severity.WARNING : Severity.INFO,
                    tlsPolicy ? "tlsrpt.noneWithPolicy" : "tlsrpt.none", name)));
        }
        if (records.size() > 1) {
            return new TlsRpt(name, null, List.of(), List.of(Problem.of(Severity.ERROR, "tlsrpt.multiple", name,
                    records.size())));
        }
        return parse(name, records.get(0));
    }

    static TlsRpt parse(String name, String record) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> tags;
        try {
            tags = TagList.parse(record);
        } catch (IllegalArgumentException e) {
            return new TlsRpt(name, record, List.of(), List.of(Problem.of(Severity.ERROR, "tlsrpt.syntax", name,
                    e.getMessage())));
        }
        List<String> uris = new ArrayList<>();
        String rua = tags.get("rua");
        if (rua == null || rua.isBlank()) {
            problems.add(Problem.of(Severity.ERROR, "tlsrpt.syntax", name, "rua= is missing"));
        } else {
            for (String uri : rua.split(",")) {
                String trimmed = uri.trim();
                boolean mail = trimmed.regionMatches(true, 0, "mailto:", 0, 7) && trimmed.indexOf('@') > 7;
                boolean web = trimmed.regionMatches(true, 0, "https://", 0, 8) && trimmed.length() > 8;
                if (mail || web) {
                    uris.add(trimmed);
                } else {
                    problems.add(Problem.of(Severity.ERROR, "tlsrpt.badUri", name, trimmed));
                }
            }
        }
        return new TlsRpt(name, record, uris, problems);
    }
}
