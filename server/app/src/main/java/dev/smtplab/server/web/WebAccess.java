package dev.smtplab.server.web;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Who may use the web UI and API.
 *
 * @param hosts       host names the server answers to besides localhost and IP addresses (--web-host);
 *                    any other Host is refused, so a DNS-rebinding page cannot read it
 * @param corsOrigins other origins allowed to call the API from a browser (--web-cors), such as
 *                    {@code http://localhost:3000}; none by default
 * @param basicAuth   "user:password" for HTTP basic auth on everything but /healthz; null for none
 * @param metricsOpen /metrics needs no password even with basic auth (--metrics-open), for a scraper
 */
public record WebAccess(List<String> hosts, List<String> corsOrigins, String basicAuth, boolean metricsOpen) {
    public WebAccess {
        hosts = hosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
        corsOrigins = corsOrigins.stream().map(origin -> origin.toLowerCase(Locale.ROOT)).toList();
        for (String origin : corsOrigins) {
            if (!origin.matches("https?://[^/\\s]+")) {
                throw new IllegalArgumentException("--web-cors takes an origin such as http://localhost:3000 "
                        + "(scheme, host and port, no path), got \"" + origin + "\"");
            }
        }
    }

    /** Loopback names and IP addresses only, no other origin, no password: the default. */
    public static WebAccess local() {
        return new WebAccess(List.of(), List.of(), null, false);
    }

    public static WebAccess withBasicAuth(String basicAuth) {
        return new WebAccess(List.of(), List.of(), Objects.requireNonNull(basicAuth, "basicAuth"), false);
    }
}
