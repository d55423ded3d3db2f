package dev.smtplab.server.smtp;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.util.Objects;

/**
 * How the SMTP side listens and talks.
 *
 * @param implicitTlsPort the implicit-TLS (SMTPS) port; -1 for none, 0 for a free one
 * @param tls             the server certificate for STARTTLS and implicit TLS; null for no TLS at all
 * @param requireTls      only EHLO, HELO, STARTTLS, NOOP, RSET and QUIT before STARTTLS (530 5.7.0)
 * @param lenient         accept what Postfix refuses (bad paths, unknown parameters, ...), as a plain catcher
 * @param maxRecipients   RCPTs accepted per transaction; past it 452 4.5.3 (strict mode)
 * @param maxErrors       error replies a session may get before its next command gets 421 (strict mode)
 * @param maxConnections  open connections in all; past it 421 4.7.0
 * @param maxConnectionsPerClient open connections from one address; past it 421 4.7.0
 */
public record SmtpSettings(InetAddress bindAddress, int port, int implicitTlsPort, String hostName,
                           int maxMessageSize, int idleTimeoutSeconds, SSLContext tls, boolean requireTls,
                           AuthSettings auth, boolean lenient, int maxRecipients, int maxErrors,
                           int maxConnections, int maxConnectionsPerClient) {
    public SmtpSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(auth, "auth");
        if (maxConnections < 1 || maxConnectionsPerClient < 1) {
            throw new IllegalArgumentException("connection limits must be 1 or more, got " + maxConnections + " and "
                    + maxConnectionsPerClient);
        }
        if (maxErrors < 1) {
            throw new IllegalArgumentException("max errors must be 1 or more, got " + maxErrors);
        }
        if (maxRecipients < 1) {
            throw new IllegalArgumentException("max recipients must be 1 or more, got " + maxRecipients);
        }
        if (tls == null && (requireTls || implicitTlsPort >= 0)) {
            throw new IllegalArgumentException("TLS is off, so it cannot be required or offered on an SMTPS port");
        }
    }
}
