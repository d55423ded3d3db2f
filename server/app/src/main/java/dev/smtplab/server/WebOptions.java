package dev.smtplab.server;

import picocli.CommandLine.Option;

import java.net.InetAddress;

/** Where the web UI and REST API listen, and who may use them. */
final class WebOptions {
    @Option(names = "--web-port", paramLabel = "PORT", defaultValue = "8025", converter = OptionConverters.PortConverter.class,
            description = "Port of the web UI and REST API; 0 takes a free one (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--web-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", converter = OptionConverters.AddressConverter.class,
            description = "IP address the web UI listens on (default: ${DEFAULT-VALUE}).")
    InetAddress webBindAddress;

    @Option(names = "--web-auth", paramLabel = "USER:PASSWORD",
            description = "Require HTTP basic auth for the web UI and API (not for /healthz); repeatable, a user each.")
    java.util.List<String> webAuth = new java.util.ArrayList<>();

    @Option(names = "--web-auth-inboxes", paramLabel = "USER=INBOX[,INBOX...]", split = "\\s+",
            splitSynopsisLabel = " ",
            description = "Limit a --web-auth user to these inboxes: they see only their mail and sessions, and "
                    + "change only their inboxes' failure modes; repeatable.")
    java.util.List<String> webAuthInboxes = new java.util.ArrayList<>();

    @Option(names = "--web-host", paramLabel = "NAME",
            description = "A host name the web UI answers to besides localhost and IP addresses, such as the "
                    + "name of a container; repeatable. Any other name is refused (DNS-rebinding protection).")
    java.util.List<String> webHosts = new java.util.ArrayList<>();

    @Option(names = "--web-cors", paramLabel = "ORIGIN",
            description = "Another origin allowed to call the API from a browser, such as http://localhost:3000; "
                    + "repeatable. None by default.")
    java.util.List<String> webCorsOrigins = new java.util.ArrayList<>();

    @Option(names = "--metrics-open", negatable = false,
            description = "Serve /metrics without --web-auth's password, for a metrics scraper.")
    boolean metricsOpen;

    @Option(names = "--no-web", negatable = false, description = "Run the SMTP server only, without the web UI and API.")
    boolean noWeb;

    /** USER:PASSWORD entries with both parts, users limited to inboxes that exist among them. */
    void validate() {
        access();
    }

    /** Who may use the web UI; a bad --web-auth, --web-auth-inboxes or --web-cors throws naming it. */
    dev.smtplab.server.web.WebAccess access() {
        try {
            return new dev.smtplab.server.web.WebAccess(webHosts, webCorsOrigins,
                    dev.smtplab.server.web.WebAccess.users(webAuth), inboxesByUser(), metricsOpen);
        } catch (IllegalArgumentException e) {
            throw ServerExit.badConfiguration(e.getMessage());
        }
    }

    private java.util.Map<String, java.util.Set<String>> inboxesByUser() {
        java.util.Map<String, java.util.Set<String>> limits = new java.util.LinkedHashMap<>();
        for (String entry : webAuthInboxes) {
            int equals = entry.indexOf('=');
            if (equals < 1 || equals == entry.length() - 1) {
                throw new IllegalArgumentException("--web-auth-inboxes " + entry + ": use USER=INBOX[,INBOX...]");
            }
            java.util.Set<String> inboxes = new java.util.LinkedHashSet<>();
            for (String inbox : entry.substring(equals + 1).split(",")) {
                if (!inbox.isBlank()) {
                    inboxes.add(inbox.trim());
                }
            }
            if (limits.put(entry.substring(0, equals), java.util.Set.copyOf(inboxes)) != null) {
                throw new IllegalArgumentException("--web-auth-inboxes names user \"" + entry.substring(0, equals)
                        + "\" twice; list the inboxes together");
            }
        }
        return limits;
    }

    /** Every inbox --web-auth-inboxes names must exist (from --inbox, --smtp-port NAME=PORT or the rules file). */
    void checkInboxes(java.util.Set<String> defined) {
        access().userInboxes().forEach((user, inboxes) -> {
            for (String inbox : inboxes) {
                if (!defined.contains(inbox)) {
                    throw ServerExit.badConfiguration("--web-auth-inboxes " + user + "=...: there is no inbox \""
                            + inbox + "\" (inboxes: " + String.join(", ", defined) + ")");
                }
            }
        });
    }

    /** A warning to print at start, or null: captured mail open to the network without a password. */
    String exposureWarning() {
        if (noWeb || !webAuth.isEmpty() || webBindAddress.isLoopbackAddress()) {
            return null;
        }
        return "warning: the web UI listens on " + webBindAddress.getHostAddress() + " without --web-auth: anyone "
                + "who can reach this port can read every captured message";
    }
}
