package dev.smtplab.client.send;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
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
        return of(e, host, port, connectTimeout, Texts.of(Language.ENGLISH));
    }

    /** The failure, its reason worded in the texts' language. */
    public static ConnectFailure of(IOException e, String host, int port, Duration connectTimeout, Texts texts) {
        String server = HostAndPort.format(host, port);
        if (e instanceof TlsFailure) {
            return new ConnectFailure(Kind.TLS, ExitCode.TLS_FAILURE, texts.get("connect.tls", server, e.getMessage()));
        }
        if (e instanceof ConnectException) {
            return new ConnectFailure(Kind.REFUSED, ExitCode.CONNECTION_REFUSED, texts.get("connect.refused", port, host));
        }
        if (e instanceof SocketTimeoutException) {
            String message = texts.get("connect.timedOut", host, port, connectTimeout.toSeconds());
            if (port == 25) {
                message += texts.get("connect.timedOut.port25");
            }
            return new ConnectFailure(Kind.TIMED_OUT, ExitCode.CONNECT_TIMEOUT, message);
        }
        if (e instanceof NoRouteToHostException) {
            return new ConnectFailure(Kind.NO_ROUTE, ExitCode.CONNECT_TIMEOUT, texts.get("connect.noRoute", host));
        }
        if (e instanceof UnknownHostException) {
            return new ConnectFailure(Kind.NAME_NOT_FOUND, ExitCode.NAME_NOT_FOUND, texts.get("connect.nameNotFound", host));
        }
        return new ConnectFailure(Kind.OTHER, ExitCode.CONNECTION_CLOSED, texts.get("connect.other", server,
                e.getMessage()));
    }
}
