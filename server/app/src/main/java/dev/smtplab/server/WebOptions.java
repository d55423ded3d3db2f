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

    @Option(names = "--no-web", negatable = false, description = "Run the SMTP server only, without the web UI and API.")
    boolean noWeb;

    /** USER:PASSWORD with both parts, or nothing. */
    void validate() {
        if (webAuth != null && (webAuth.indexOf(':') < 1 || webAuth.endsWith(":"))) {
            throw ServerExit.badConfiguration("--web-auth takes USER:PASSWORD, both not empty");
        }
    }
}
