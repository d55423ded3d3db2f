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
            description = "Require HTTP basic auth for the web UI and API (not for /healthz).")
    String webAuth;

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

    /** USER:PASSWORD with both parts, or nothing. */
    void validate() {
        if (webAuth != null && (webAuth.indexOf(':') < 1 || webAuth.endsWith(":"))) {
            throw ServerExit.badConfiguration("--web-auth takes USER:PASSWORD, both not empty");
        }
        access();
    }

    /** Who may use the web UI; a bad --web-cors origin throws with a message that names it. */
    dev.smtplab.server.web.WebAccess access() {
        try {
            return new dev.smtplab.server.web.WebAccess(webHosts, webCorsOrigins, webAuth, metricsOpen);
        } catch (IllegalArgumentException e) {
            throw ServerExit.badConfiguration(e.getMessage());
        }
    }

    /** A warning to print at start, or null: captured mail open to the network without a password. */
    String exposureWarning() {
        if (noWeb || webAuth != null || webBindAddress.isLoopbackAddress()) {
            return null;
        }
        return "warning: the web UI listens on " + webBindAddress.getHostAddress() + " without --web-auth: anyone "
                + "who can reach this port can read every captured message";
    }
}
