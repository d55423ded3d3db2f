package dev.smtplab.server.smtp;

import java.time.Duration;

/**
 * What one client may take from the server, with Postfix's defaults: a host that holds many
 * connections, makes endless errors or trickles a byte every few seconds is cut off with a 421, so
 * the clients behind it are still served. Each limit is a flag and a builder option.
 *
 * @param maxRecipients           RCPTs accepted per transaction; past it 452 4.5.3 (smtpd_recipient_limit)
 * @param maxErrors               error replies before the next command gets 421 4.7.0 (smtpd_hard_error_limit)
 * @param maxJunkCommands         HELO, EHLO, NOOP, RSET and VRFY before each further one counts as an error
 *                                (smtpd_junk_command_limit)
 * @param maxConnections          open connections in all; past it 421 4.7.0
 * @param maxConnectionsPerClient open connections from one address; past it 421 4.7.0
 *                                (smtpd_client_connection_count_limit)
 * @param commandTimeout          how long a whole command line may take to arrive after the previous reply
 * @param dataTimeout             how long the whole message content may take, from the 354 to the lone dot
 * @param maxSessionTime          how long a whole session may last
 * @param maxDataInFlight         message content all sessions may hold while it arrives; past it 452 4.3.1
 * @param maxAuthFailures         failed logins in a session; the next AUTH gets 421 4.7.0 and the connection closes
 */
public record SmtpLimits(int maxRecipients, int maxErrors, int maxJunkCommands, int maxConnections,
                         int maxConnectionsPerClient, Duration commandTimeout, Duration dataTimeout,
                         Duration maxSessionTime, long maxDataInFlight, int maxAuthFailures) {
    /** Postfix 3.7's defaults, an hour for a session, 256 MB of messages in flight, 3 failed logins a session. */
    public static final SmtpLimits DEFAULTS = new SmtpLimits(1000, 20, 100, 1000, 50, Duration.ofSeconds(300),
            Duration.ofSeconds(600), Duration.ofHours(1), 256L * 1024 * 1024, 3);

    public SmtpLimits {
        atLeastOne("max recipients", maxRecipients);
        atLeastOne("max errors", maxErrors);
        atLeastOne("max junk commands", maxJunkCommands);
        atLeastOne("max connections", maxConnections);
        atLeastOne("max connections per client", maxConnectionsPerClient);
        atLeastOne("max auth failures", maxAuthFailures);
        positive("command timeout", commandTimeout);
        positive("data timeout", dataTimeout);
        positive("max session time", maxSessionTime);
        if (maxDataInFlight < 1) {
            throw new IllegalArgumentException("max data in flight must be 1 or more octets, got " + maxDataInFlight);
        }
    }

    public SmtpLimits withMaxRecipients(int n) {
        return new SmtpLimits(n, maxErrors, maxJunkCommands, maxConnections, maxConnectionsPerClient, commandTimeout,
                dataTimeout, maxSessionTime, maxDataInFlight, maxAuthFailures);
    }

    public SmtpLimits withMaxErrors(int n) {
        return new SmtpLimits(maxRecipients, n, maxJunkCommands, maxConnections, maxConnectionsPerClient,
                commandTimeout, dataTimeout, maxSessionTime, maxDataInFlight, maxAuthFailures);
    }

    public SmtpLimits withMaxJunkCommands(int n) {
        return new SmtpLimits(maxRecipients, maxErrors, n, maxConnections, maxConnectionsPerClient, commandTimeout,
                dataTimeout, maxSessionTime, maxDataInFlight, maxAuthFailures);
    }

    public SmtpLimits withMaxConnections(int total, int perClient) {
        return new SmtpLimits(maxRecipients, maxErrors, maxJunkCommands, total, perClient, commandTimeout,
                dataTimeout, maxSessionTime, maxDataInFlight, maxAuthFailures);
    }

    public SmtpLimits withTimeouts(Duration command, Duration data, Duration session) {
        return new SmtpLimits(maxRecipients, maxErrors, maxJunkCommands, maxConnections, maxConnectionsPerClient,
                command, data, session, maxDataInFlight, maxAuthFailures);
    }

    public SmtpLimits withMaxDataInFlight(long octets) {
        return new SmtpLimits(maxRecipients, maxErrors, maxJunkCommands, maxConnections, maxConnectionsPerClient,
                commandTimeout, dataTimeout, maxSessionTime, octets, maxAuthFailures);
    }

    public SmtpLimits withMaxAuthFailures(int n) {
        return new SmtpLimits(maxRecipients, maxErrors, maxJunkCommands, maxConnections, maxConnectionsPerClient,
                commandTimeout, dataTimeout, maxSessionTime, maxDataInFlight, n);
    }

    private static void atLeastOne(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be 1 or more, got " + value);
        }
    }

    private static void positive(String what, Duration value) {
        if (value == null || value.toMillis() < 1 || value.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be between 1 ms and 24 days, got " + value);
        }
    }
}
