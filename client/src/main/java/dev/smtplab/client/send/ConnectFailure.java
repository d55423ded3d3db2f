package dev.smtplab.client.send;

import dev.smtplab.client.protocol.HostAndPort;
import dev.smtplab.client.protocol.TlsFailure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/** Why a connection could not be made: the kind, its exit code, and the reason in plain words. */
public record ConnectFailure(Kind kind, ExitCode exitCode, String message) {
    public enum Kind {
        /** Nothing listens: the host answered with a reset. */
        REFUSED,
        /** No answer at all within the timeout: a firewall drops the traffic. */
        TIMED_OUT,
        NO_ROUTE,
        NAME_NOT_FOUND,
        TLS,
        OTHER
    }

    public static ConnectFailure of(IOException e, String host, int port, Duration connectTimeout) {
        String server = HostAndPort.format(host, port);
        if (e instanceof TlsFailure) {
            return new ConnectFailure(Kind.TLS, ExitCode.TLS_FAILURE, "TLS failed with " + server + ": " + e.getMessage());
        }
        if (e instanceof ConnectException) {
            return new ConnectFailure(Kind.REFUSED, ExitCode.CONNECTION_REFUSED,
                    "connection refused: nothing listens on port " + port + " at " + host);
        }
        if (e instanceof SocketTimeoutException) {
            String message = "no answer from " + host + " port " + port + " after " + connectTimeout.toSeconds()
                    + " s: a firewall may be dropping traffic to port " + port;
            if (port == 25) {
                message += "; many cloud providers and ISPs block outbound port 25";
            }
            return new ConnectFailure(Kind.TIMED_OUT, ExitCode.CONNECT_TIMEOUT, message);
        }
        if (e instanceof NoRouteToHostException) {
            return new ConnectFailure(Kind.NO_ROUTE, ExitCode.CONNECT_TIMEOUT,
                    "no route to " + host + ": the host is unreachable from this network");
        }
        if (e instanceof UnknownHostException) {
            return new ConnectFailure(Kind.NAME_NOT_FOUND, ExitCode.NAME_NOT_FOUND,
                    "host name not found: " + host + " does not resolve to an address");
        }
        return new ConnectFailure(Kind.OTHER, ExitCode.CONNECTION_CLOSED,
                "cannot connect to " + server + ": " + e.getMessage());
    }
}
