package dev.smtplab.client.diagnose.policy;

import dev.smtplab.client.diagnose.Severity;
import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.protocol.TlsFailure;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A domain's MTA-STS (RFC 8461): the {@code _mta-sts} TXT record, and the policy it announces,
 * fetched over HTTPS from {@code mta-sts.DOMAIN/.well-known/mta-sts.txt} with the certificate
 * checked. Whether each MX host matches the policy and presents a valid certificate is judged
 * with the port checks ({@link #matches}).
 *
 * @param record    the TXT record, or null when there is none
 * @param policyUrl where the policy was fetched from; null without a record
 * @param policy    the policy as fetched, or null when it could not be
 * @param mode      enforce, testing or none; null without a valid policy
 * @param maxAge    seconds senders may cache the policy; -1 without a valid policy
 * @param mx        the MX patterns ("mx1.example.com", "*.example.net")
 */
public record MtaSts(String name, String record, String id, String policyUrl, String policy, String mode, long maxAge,
                     List<String> mx, List<Problem> problems) {
    /** RFC 8461, 3.2: max_age is at most a year. */
    private static final long MAX_AGE_LIMIT = 31_557_600;
    private static final long ONE_DAY = 86_400;

    public MtaSts {
        mx = List.copyOf(mx);
        problems = List.copyOf(problems);
    }

    /** How to reach the policy host: its TLS, and the port (443; another only for a test server). */
    public record Fetch(SSLSocketFactory tls, boolean verifyHost, int port, Duration connectTimeout,
                        Duration readTimeout) {
    }

    public boolean enforced() {
        return "enforce".equals(mode);
    }

    /** True when a policy is in force (enforce or testing): MX hosts are held to it. */
    public boolean inForce() {
        return "enforce".equals(mode) || "testing".equals(mode);
    }

    public static MtaSts check(String domain, Dns dns, Fetch fetch) {
        String name = "_mta-sts." + domain;
        Dns.TxtAnswer answer = dns.txt(name);
        if (answer.error() != null) {
            return none(name, null, Problem.of(Severity.WARNING, "mtasts.lookupFailed", answer.error()));
        }
        List<String> records = answer.tagged("v=STSv1");
        if (records.isEmpty()) {
            return none(name, null, Problem.of(Severity.INFO, "mtasts.none", name));
        }
        if (records.size() > 1) {
            return none(name, null, Problem.of(Severity.ERROR, "mtasts.multiple", name, records.size()));
        }
        String record = records.get(0);
        String id;
        try {
            id = TagList.parse(record).get("id");
        } catch (IllegalArgumentException e) {
            return none(name, record, Problem.of(Severity.ERROR, "mtasts.syntax", name, e.getMessage()));
        }
        if (id == null || !id.matches("[A-Za-z0-9]{1,32}")) {
            return none(name, record, Problem.of(Severity.ERROR, "mtasts.syntax", name,
                    "id= must be 1 to 32 letters and digits" + (id == null ? ", and is missing" : ", not " + id)));
        }
        String host = "mta-sts." + domain;
        String url = "https://" + host + (fetch.port() == 443 ? "" : ":" + fetch.port()) + "/.well-known/mta-sts.txt";
        List<String> addresses = dns.addresses(host);
        if (addresses.isEmpty()) {
            return new MtaSts(name, record, id, url, null, null, -1, List.of(),
                    List.of(Problem.of(Severity.ERROR, "mtasts.noPolicyHost", host)));
        }
        HttpsGet.Response response;
        try {
            response = HttpsGet.get(host, addresses.get(0), fetch.port(), "/.well-known/mta-sts.txt", fetch.tls(),
                    fetch.verifyHost(), fetch.connectTimeout(), fetch.readTimeout());
        } catch (IOException e) {
            String why = e instanceof javax.net.ssl.SSLException ? TlsFailure.reason(e, host)
                    : String.valueOf(e.getMessage());
            return new MtaSts(name, record, id, url, null, null, -1, List.of(),
                    List.of(Problem.of(Severity.ERROR, "mtasts.fetchFailed", url, why)));
        }
        if (response.status() != 200) {
            return new MtaSts(name, record, id, url, null, null, -1, List.of(),
                    List.of(Problem.of(Severity.ERROR, "mtasts.httpStatus", url, response.status())));
        }
        List<Problem> problems = new ArrayList<>();
        String type = response.header("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/plain")) {
            problems.add(Problem.of(Severity.ERROR, "mtasts.contentType", url, type == null ? "none" : type));
        }
        return parsePolicy(name, record, id, url, response.body(), problems);
    }

    private static MtaSts none(String name, String record, Problem problem) {
        return new MtaSts(name, record, null, null, null, null, -1, List.of(), List.of(problem));
    }

    /** The policy's "key: value" lines (RFC 8461, 3.2); unknown keys are ignored, as senders ignore them. */
    static MtaSts parsePolicy(String name, String record, String id, String url, String body, List<Problem> problems) {
        String version = null;
        String mode = null;
        String maxAgeText = null;
        List<String> mx = new ArrayList<>();
        for (String line : body.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                problems.add(Problem.of(Severity.ERROR, "mtasts.policySyntax", url, "\"" + line.trim() + "\" is not key: value"));
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "version" -> version = value;
                case "mode" -> mode = value;
                case "max_age" -> maxAgeText = value;
                case "mx" -> mx.add(value.toLowerCase(Locale.ROOT));
                default -> {
                }
            }
        }
        if (!"STSv1".equals(version)) {
            problems.add(Problem.of(Severity.ERROR, "mtasts.policySyntax", url, "version: must be STSv1, not "
                    + (version == null ? "missing" : version)));
        }
        if (mode == null || !List.of("enforce", "testing", "none").contains(mode)) {
            problems.add(Problem.of(Severity.ERROR, "mtasts.policySyntax", url, "mode: must be enforce, testing or none, not "
                    + (mode == null ? "missing" : mode)));
            mode = null;
        }
        long maxAge = -1;
        try {
            maxAge = maxAgeText == null ? -1 : Long.parseLong(maxAgeText);
        } catch (NumberFormatException e) {
            maxAge = -1;
        }
        if (maxAge < 0 || maxAge > MAX_AGE_LIMIT) {
            problems.add(Problem.of(Severity.ERROR, "mtasts.policySyntax", url, "max_age: must be 0 to " + MAX_AGE_LIMIT
                    + " seconds, not " + (maxAgeText == null ? "missing" : maxAgeText)));
            maxAge = -1;
        } else if (maxAge < ONE_DAY) {
            problems.add(Problem.of(Severity.INFO, "mtasts.shortMaxAge", url, maxAge));
        }
        if (mx.isEmpty() && mode != null && !mode.equals("none")) {
            problems.add(Problem.of(Severity.ERROR, "mtasts.policySyntax", url, "no mx: line, so no MX host is allowed"));
        }
        if ("testing".equals(mode)) {
            problems.add(Problem.of(Severity.INFO, "mtasts.testing", url));
        }
        return new MtaSts(name, record, id, url, body, mode, maxAge, mx, problems);
    }

    /** RFC 8461, 4.1: an MX host matches a pattern exactly, or "*.suffix" with exactly one more label. */
    public boolean matches(String host) {
        String name = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        for (String pattern : mx) {
            String wanted = pattern.replaceAll("\\.$", "");
            if (wanted.startsWith("*.")) {
                int dot = name.indexOf('.');
                if (dot > 0 && name.substring(dot + 1).equals(wanted.substring(2))) {
                    return true;
                }
            } else if (name.equals(wanted)) {
                return true;
            }
        }
        return false;
    }
}
