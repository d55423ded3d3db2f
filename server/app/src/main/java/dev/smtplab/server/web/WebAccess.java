package dev.smtplab.server.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who may use the web UI and API.
 *
 * @param hosts       host names the server answers to besides localhost and IP addresses (--web-host);
 *                    any other Host is refused, so a DNS-rebinding page cannot read it
 * @param corsOrigins other origins allowed to call the API from a browser (--web-cors), such as
 *                    {@code http://localhost:3000}; none by default
 * @param users       user name to password for HTTP basic auth on everything but /healthz (--web-auth);
 *                    empty for no password
 * @param userInboxes the inboxes a user is limited to (--web-auth-inboxes); a user not named here
 *                    sees every inbox and may change the server's settings
 * @param metricsOpen /metrics needs no password even with basic auth (--metrics-open), for a scraper
 */
public record WebAccess(List<String> hosts, List<String> corsOrigins, Map<String, String> users,
                        Map<String, Set<String>> userInboxes, boolean metricsOpen) {
    public WebAccess {
        hosts = hosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
        corsOrigins = corsOrigins.stream().map(origin -> origin.toLowerCase(Locale.ROOT)).toList();
        users = Map.copyOf(users);
        userInboxes = Map.copyOf(userInboxes);
        for (String origin : corsOrigins) {
            if (!origin.matches("https?://[^/\\s]+")) {
                throw new IllegalArgumentException("--web-cors takes an origin such as http://localhost:3000 "
                        + "(scheme, host and port, no path), got \"" + origin + "\"");
            }
        }
        for (String user : userInboxes.keySet()) {
            if (!users.containsKey(user)) {
                throw new IllegalArgumentException("--web-auth-inboxes names user \"" + user + "\", who has no "
                        + "--web-auth USER:PASSWORD");
            }
        }
    }

    /** One user, or none for a null {@code basicAuth} ("user:password"), who sees every inbox. */
    public WebAccess(List<String> hosts, List<String> corsOrigins, String basicAuth, boolean metricsOpen) {
        this(hosts, corsOrigins, basicAuth == null ? Map.of() : users(List.of(basicAuth)), Map.of(), metricsOpen);
    }

    /** Loopback names and IP addresses only, no other origin, no password: the default. */
    public static WebAccess local() {
        return new WebAccess(List.of(), List.of(), (String) null, false);
    }

    public static WebAccess withBasicAuth(String basicAuth) {
        return new WebAccess(List.of(), List.of(), Objects.requireNonNull(basicAuth, "basicAuth"), false);
    }

    /** This access with users limited to inboxes. */
    public WebAccess limitedTo(Map<String, Set<String>> inboxesByUser) {
        return new WebAccess(hosts, corsOrigins, users, inboxesByUser, metricsOpen);
    }

    /**
     * Reads "user:password" entries (the password may hold ':').
     *
     * @throws IllegalArgumentException for an entry without both parts, or a user named twice
     */
    public static Map<String, String> users(List<String> entries) {
        Map<String, String> users = new LinkedHashMap<>();
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            if (colon < 1 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("--web-auth takes USER:PASSWORD, both not empty");
            }
            if (users.put(entry.substring(0, colon), entry.substring(colon + 1)) != null) {
                throw new IllegalArgumentException("--web-auth names user \"" + entry.substring(0, colon) + "\" twice");
            }
        }
        return users;
    }

    public boolean requiresLogin() {
        return !users.isEmpty();
    }

    /** The inboxes a logged-in user may see; null for every inbox. */
    public Set<String> inboxesOf(String user) {
        return user == null ? null : userInboxes.get(user);
    }
}
