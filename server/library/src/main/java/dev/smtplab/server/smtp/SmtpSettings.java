package dev.smtplab.server.smtp;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the SMTP side listens and talks.
 *
 * @param implicitTlsPort the implicit-TLS (SMTPS) port; -1 for none, 0 for a free one
 * @param tls             the server certificate for STARTTLS and implicit TLS, made when first needed (so
 *                        that building it never delays the first accept); null for no TLS at all
 * @param requireTls      only EHLO, HELO, STARTTLS, NOOP, RSET and QUIT before STARTTLS (530 5.7.0)
 * @param lenient         accept what Postfix refuses (bad paths, unknown parameters, ...), as a plain catcher
 * @param limits          what one client may take: connections, errors, recipients, time
 */
public record SmtpSettings(InetAddress bindAddress, int port, int implicitTlsPort, String hostName,
                           int maxMessageSize, int idleTimeoutSeconds, Supplier<SSLContext> tls, boolean requireTls,
                           AuthSettings auth, boolean lenient, SmtpLimits limits) {
    public SmtpSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(limits, "limits");
        if (tls == null && (requireTls || implicitTlsPort >= 0)) {
            throw new IllegalArgumentException("TLS is off, so it cannot be required or offered on an SMTPS port");
        }
    }
}
