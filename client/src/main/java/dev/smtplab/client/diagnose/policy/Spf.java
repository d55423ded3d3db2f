package dev.smtplab.client.diagnose.policy;

import dev.smtplab.client.diagnose.Severity;
import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.dns.TxtLookup;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A domain's SPF record (RFC 7208): the record, the DNS lookups a receiver makes to evaluate it
 * (includes and redirects followed), what {@code all} says, and the mistakes that make receivers
 * fail it (more than 10 lookups, several records, a missing include, {@code +all}).
 *
 * @param record  the record at the domain, or null when it has none (or several)
 * @param lookups the DNS-querying terms counted through includes and redirects (limit: 10)
 * @param all     the qualifier of the final {@code all} ("-", "~", "?", "+"), or null without one
 */
public record Spf(String domain, String record, int lookups, String all, List<Problem> problems) {
    /** RFC 7208, 4.6.4: more than 10 terms that query DNS is a permanent error. */
    public static final int LOOKUP_LIMIT = 10;
    private static final Pattern MECHANISM = Pattern.compile(
            "([+\\-~?]?)(all|include|a|mx|ptr|ip4|ip6|exists)(?::([^/]+))?(/\\d{1,3}(?://\\d{1,3})?)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern MODIFIER = Pattern.compile("([a-z][a-z0-9_.\\-]*)=(.*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern IP4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    public Spf {
        problems = List.copyOf(problems);
    }

    /** Looks the domain's record up and follows its includes and redirect to count the lookups. */
    public static Spf check(String domain, TxtLookup dns) {
        List<Problem> problems = new ArrayList<>();
        Dns.TxtAnswer answer = dns.txt(domain);
        if (answer.error() != null) {
            return new Spf(domain, null, 0, null, List.of(Problem.of(Severity.WARNING, "spf.lookupFailed", answer.error())));
        }
        List<String> records = answer.tagged("v=spf1");
        if (records.isEmpty()) {
            return new Spf(domain, null, 0, null, List.of(Problem.of(Severity.WARNING, "spf.none", domain)));
        }
        if (records.size() > 1) {
            return new Spf(domain, null, 0, null, List.of(Problem.of(Severity.ERROR, "spf.multiple", domain, records.size())));
        }
        String record = records.get(0);
        Parsed parsed = parse(record, problems);
        Set<String> seen = new HashSet<>(Set.of(domain.toLowerCase(Locale.ROOT)));
        int lookups = parsed.lookups() + followed(parsed, dns, seen, problems, 1);
        if (lookups > LOOKUP_LIMIT) {
            problems.add(Problem.of(Severity.ERROR, "spf.tooManyLookups", lookups, LOOKUP_LIMIT));
        }
        if (parsed.all() == null && parsed.redirect() == null) {
            problems.add(Problem.of(Severity.INFO, "spf.noAll"));
        } else if ("+".equals(parsed.all())) {
            problems.add(Problem.of(Severity.ERROR, "spf.passAll"));
        } else if ("?".equals(parsed.all())) {
            problems.add(Problem.of(Severity.WARNING, "spf.neutralAll"));
        }
        return new Spf(domain, record, lookups, parsed.all(), problems);
    }

    /** What one record says: its own lookups, the domains it includes or redirects to, its final all. */
    record Parsed(int lookups, List<String> includes, String redirect, String all) {
    }

    static Parsed parse(String record, List<Problem> problems) {
        String[] terms = record.trim().split("\\s+");
        int lookups = 0;
        List<String> includes = new ArrayList<>();
        String redirect = null;
        String all = null;
        for (int i = 1; i < terms.length; i++) {
            String term = terms[i];
            Matcher mechanism = MECHANISM.matcher(term);
            Matcher modifier = MODIFIER.matcher(term);
            if (mechanism.matches()) {
                String name = mechanism.group(2).toLowerCase(Locale.ROOT);
                String value = mechanism.group(3);
                String qualifier = mechanism.group(1).isEmpty() ? "+" : mechanism.group(1);
                switch (name) {
                    case "all" -> {
                        if (value != null || mechanism.group(4) != null) {
                            problems.add(Problem.of(Severity.ERROR, "spf.syntax", term));
                        }
                        all = qualifier;
                    }
                    case "include", "exists" -> {
                        if (value == null) {
                            problems.add(Problem.of(Severity.ERROR, "spf.syntax", term));
                        } else if (name.equals("include")) {
                            includes.add(value);
                        }
                        lookups++;
                    }
                    case "a", "mx" -> lookups++;
                    case "ptr" -> {
                        lookups++;
                        problems.add(Problem.of(Severity.WARNING, "spf.ptr"));
                    }
                    case "ip4" -> {
                        if (value == null || !isIp4(value) || !prefixAtMost(mechanism.group(4), 32)) {
                            problems.add(Problem.of(Severity.ERROR, "spf.syntax", term));
                        }
                    }
                    default -> { // ip6
                        if (value == null || !value.contains(":") || !prefixAtMost(mechanism.group(4), 128)) {
                            problems.add(Problem.of(Severity.ERROR, "spf.syntax", term));
                        }
                    }
                }
            } else if (modifier.matches()) {
                if (modifier.group(1).equalsIgnoreCase("redirect")) {
                    redirect = modifier.group(2);
                    lookups++;
                }
            } else {
                problems.add(Problem.of(Severity.ERROR, "spf.syntax", term));
            }
        }
        // RFC 7208, 6.1: redirect is ignored when the record has an all.
        return new Parsed(lookups, includes, all == null ? redirect : null, all);
    }

    /** The lookups of the included and redirected records, each followed once, at most 10 deep. */
    private static int followed(Parsed parsed, TxtLookup dns, Set<String> seen, List<Problem> problems, int depth) {
        List<String> targets = new ArrayList<>(parsed.includes());
        if (parsed.redirect() != null) {
            targets.add(parsed.redirect());
        }
        int lookups = 0;
        for (String target : targets) {
            if (target.contains("%") || depth > LOOKUP_LIMIT || !seen.add(target.toLowerCase(Locale.ROOT))) {
                continue; // a macro depends on the sender; a loop or a deep chain is already over the limit
            }
            Dns.TxtAnswer answer = dns.txt(target);
            List<String> records = answer.tagged("v=spf1");
            if (answer.error() == null && records.size() != 1) {
                problems.add(Problem.of(Severity.ERROR, "spf.includeMissing", target, records.size()));
                continue;
            }
            if (answer.error() != null) {
                problems.add(Problem.of(Severity.WARNING, "spf.lookupFailed", answer.error()));
                continue;
            }
            Parsed included = parse(records.get(0), new ArrayList<>());
            lookups += included.lookups() + followed(included, dns, seen, problems, depth + 1);
        }
        return lookups;
    }

    private static boolean isIp4(String text) {
        Matcher matcher = IP4.matcher(text);
        if (!matcher.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(matcher.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean prefixAtMost(String cidr, int bits) {
        return cidr == null || (!cidr.contains("//") && Integer.parseInt(cidr.substring(1)) <= bits);
    }
}
