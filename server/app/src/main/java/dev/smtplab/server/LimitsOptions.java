package dev.smtplab.server;

import picocli.CommandLine.Option;

import java.time.Duration;

/** What one client may take: connections, errors, recipients and time, with Postfix's defaults. */
final class LimitsOptions {
    @Option(names = "--max-recipients", paramLabel = "N", defaultValue = "1000",
            converter = OptionConverters.PositiveConverter.class,
            description = "Recipients per message; past them 452 4.5.3, as Postfix's smtpd_recipient_limit "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxRecipients;

    @Option(names = "--max-errors", paramLabel = "N", defaultValue = "20",
            converter = OptionConverters.PositiveConverter.class,
            description = "Error replies a session may get; the next command gets 421 4.7.0 and the connection "
                    + "closes, as Postfix's smtpd_hard_error_limit (default: ${DEFAULT-VALUE}).")
    int maxErrors;

    @Option(names = "--max-junk-commands", paramLabel = "N", defaultValue = "100",
            converter = OptionConverters.PositiveConverter.class,
            description = "HELO, EHLO, NOOP, RSET and VRFY commands before each further one counts as an error, "
                    + "as Postfix's smtpd_junk_command_limit (default: ${DEFAULT-VALUE}).")
    int maxJunkCommands;

    @Option(names = "--max-auth-failures", paramLabel = "N", defaultValue = "3",
            converter = OptionConverters.PositiveConverter.class,
            description = "Failed logins a session may make; the next AUTH gets 421 4.7.0 and the connection "
                    + "closes (default: ${DEFAULT-VALUE}).")
    int maxAuthFailures;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1000",
            converter = OptionConverters.PositiveConverter.class,
            description = "Open SMTP connections in all; past them 421 4.7.0 and close (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-client", paramLabel = "N", defaultValue = "50",
            converter = OptionConverters.PositiveConverter.class,
            description = "Open SMTP connections from one address; past them 421 4.7.0 and close, as "
                    + "Postfix's smtpd_client_connection_count_limit (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerClient;

    @Option(names = "--command-timeout", paramLabel = "SECONDS", defaultValue = "300",
            converter = OptionConverters.PositiveConverter.class,
            description = "Seconds a whole command line may take to arrive after the previous reply, however "
                    + "slowly it trickles; then 421 4.4.2 (default: ${DEFAULT-VALUE}).")
    int commandTimeoutSeconds;

    @Option(names = "--data-timeout", paramLabel = "SECONDS", defaultValue = "600",
            converter = OptionConverters.PositiveConverter.class,
            description = "Seconds the whole message content may take, from the 354 to the lone dot; then "
                    + "421 4.4.2 (default: ${DEFAULT-VALUE}).")
    int dataTimeoutSeconds;

    @Option(names = "--max-session-time", paramLabel = "SECONDS", defaultValue = "3600",
            converter = OptionConverters.PositiveConverter.class,
            description = "Seconds a whole session may last; then 421 4.4.2 (default: ${DEFAULT-VALUE}).")
    int maxSessionSeconds;

    @Option(names = "--max-data-in-flight", paramLabel = "SIZE", defaultValue = "256MB",
            converter = OptionConverters.MemorySizeConverter.class,
            description = "Message content all sessions may hold while it arrives; a message that does not fit "
                    + "gets 452 4.3.1 Insufficient system storage (default: ${DEFAULT-VALUE}).")
    long maxDataInFlight;

    void apply(FakeSmtpServer.Builder builder) {
        builder.maxRecipients(maxRecipients)
                .maxErrors(maxErrors)
                .maxJunkCommands(maxJunkCommands)
                .maxAuthFailures(maxAuthFailures)
                .maxConnections(maxConnections, maxConnectionsPerClient)
                .maxDataInFlight(maxDataInFlight)
                .timeouts(Duration.ofSeconds(commandTimeoutSeconds), Duration.ofSeconds(dataTimeoutSeconds),
                        Duration.ofSeconds(maxSessionSeconds));
    }
}
