package dev.smtplab.client.diagnose;

import dev.smtplab.client.diagnose.policy.Dane;
import dev.smtplab.client.protocol.ConnectionClosedException;
import dev.smtplab.client.protocol.EhloExchange;
import dev.smtplab.client.protocol.ObservingTrust;
import dev.smtplab.client.protocol.Extensions;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.Sasl;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.SmtpProtocolException;
import dev.smtplab.client.protocol.TlsFailure;
import dev.smtplab.client.protocol.TlsInfo;
import dev.smtplab.client.protocol.TlsSettings;
import dev.smtplab.client.send.ConnectFailure;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The checklist for one host and port, step by step: connect, banner, EHLO, TLS (STARTTLS or
 * implicit), optionally AUTH, MAIL FROM and RCPT TO (never DATA), reverse DNS. Each step records
 * what it learnt; the first that cannot go on records why, and the probe stops there.
 */
final class PortProbe {
    private final Diagnoser.Options options;
    private final String host;
    private final String connectTo;
    private final int port;
    private final TlsKind tlsKind;

    private String address;
    private ConnectState connect;
    private long connectMillis;
    private Reply banner;
    private long bannerMillis;
    private List<String> capabilities = List.of();
    private List<String> capabilitiesAfterTls = List.of();
    private boolean heloFallback;
    private PortCheck.Tls tls;
    private TlsKind speaksInstead;
    private Reply authReply;
    private PortCheck.SenderCheck sender;
    private CheckFailure failure;

    private final Progress progress;
    private final String where;

    private final ProbeListeners listeners;
    private final Dane dane;
    private String ehloGreeting;

    /** @param dane the host's TLSA records when DANE applies to this port (25), else null */
    PortProbe(Diagnoser.Options options, String host, String address, int port, Progress progress,
              ProbeListeners listeners, Dane dane) {
        this.listeners = listeners;
        this.dane = dane;
        this.options = options;
        this.progress = progress;
        this.where = dev.smtplab.client.protocol.HostAndPort.format(host, port);
        this.host = host;
        // An IP address target is its own address, even when nothing answers there.
        this.address = address == null && dev.smtplab.client.protocol.HostAndPort.isIpLiteral(host) ? host : address;
        this.connectTo = address == null || address.isEmpty() ? host : address;
        this.port = port;
        this.tlsKind = options.implicitTlsPorts().contains(port) ? TlsKind.IMPLICIT : TlsKind.STARTTLS;
    }

    PortCheck run() {
        try {
            return check();
        } finally {
            progress.done(where);
        }
    }

    private PortCheck check() {
        progress.step(where, "connecting");
        long started = System.nanoTime();
        SmtpConnection smtp;
        try {
            smtp = SmtpConnection.connect(host, connectTo, port, options.connectTimeout(), options.replyTimeout());
        } catch (IOException e) {
            ConnectFailure why = ConnectFailure.of(e, host, port, options.connectTimeout());
            connect = ConnectState.of(why.kind());
            connectMillis = millis(started);
            return result(new CheckFailure(CheckFailure.Kind.CONNECT, why.message()), null, null);
        }
        connect = ConnectState.OPEN;
        connectMillis = millis(started);
        address = dev.smtplab.client.protocol.HostAndPort.compact(smtp.socket().getInetAddress().getHostAddress());
        dev.smtplab.client.protocol.WireListener listener = listeners.listenerFor(host, port,
                smtp.socket().getLocalAddress().getHostAddress());
        if (listener != null) {
            smtp.addListener(listener);
        }
        try (smtp) {
            dialogue(smtp);
        } catch (IOException e) {
            fail(CheckFailure.Kind.BROKE_OFF, e.getMessage());
        }
        String reverse = options.dns() == null ? null : options.dns().reverse(address).orElse(null);
        Boolean matches = reverse == null || banner == null ? null
                : PortCheck.nameIn(banner).equalsIgnoreCase(reverse.replaceAll("\\.$", ""));
        return result(failure, reverse, matches);
    }

    private void dialogue(SmtpConnection smtp) throws IOException {
        if (tlsKind == TlsKind.IMPLICIT && !handshake(smtp)) {
            return;
        }
        if (!banner(smtp)) {
            return;
        }
        capabilities = ehlo(smtp);
        boolean offersStartTls = new Extensions(capabilities).offers("STARTTLS");
        if (tlsKind == TlsKind.STARTTLS && offersStartTls) {
            Reply reply = smtp.command("STARTTLS");
            if (reply.code() != 220) {
                fail(CheckFailure.Kind.STARTTLS_REFUSED, reply.wireText());
            } else if (handshake(smtp)) {
                capabilitiesAfterTls = ehlo(smtp);
            }
        }
        boolean secured = tlsKind == TlsKind.IMPLICIT || tls != null;
        if (options.authUser() != null && secured) {
            authReply = smtp.command("AUTH PLAIN " + Sasl.plain(options.authUser(), options.authPassword()));
        }
        if (options.from() != null && (secured || failure == null)) {
            sender = sender(smtp);
        }
        try {
            smtp.command("QUIT");
        } catch (IOException e) {
            // leaving: the answer does not matter
        }
    }

    private boolean banner(SmtpConnection smtp) {
        progress.step(where, "connected, waiting for the banner");
        long started = System.nanoTime();
        try {
            banner = smtp.readReply();
            bannerMillis = millis(started);
            return banner.code() == 220;
        } catch (SocketTimeoutException e) {
            bannerMillis = millis(started);
            fail(CheckFailure.Kind.NO_BANNER_IN_TIME, options.replyTimeout().toSeconds() + " s");
            if (tlsKind == TlsKind.STARTTLS && speaksImplicitTls()) {
                speaksInstead = TlsKind.IMPLICIT;
            }
            return false;
        } catch (SmtpProtocolException e) {
            bannerMillis = millis(started);
            fail(e instanceof ConnectionClosedException
                    ? CheckFailure.Kind.NO_BANNER : CheckFailure.Kind.NOT_SMTP, e.getMessage());
            return false;
        } catch (IOException e) {
            bannerMillis = millis(started);
            fail(CheckFailure.Kind.NO_BANNER, e.getMessage());
            return false;
        }
    }

    /** A silent plain-text port may be an implicit-TLS one: try a handshake on a fresh connection. */
    private boolean speaksImplicitTls() {
        try (SmtpConnection probe = SmtpConnection.connect(address, port, options.connectTimeout(),
                options.replyTimeout())) {
            probe.startTls(new TlsSettings(null, true).socketFactory(), false);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** EHLO, or HELO when EHLO is not known; the capabilities EHLO announced. */
    private List<String> ehlo(SmtpConnection smtp) throws IOException {
        progress.step(where, "waiting for the reply to EHLO");
        EhloExchange ehlo = EhloExchange.run(options.helo(), smtp::command);
        heloFallback |= ehlo.heloFallback();
        if (ehloGreeting == null && ehlo.reply().isPositive()) {
            ehloGreeting = ehlo.reply().lines().get(0);
        }
        if (!ehlo.heloFallback() && !ehlo.reply().isPositive()) {
            fail(CheckFailure.Kind.EHLO_REFUSED, ehlo.reply().wireText());
        }
        return ehlo.capabilities();
    }

    private boolean handshake(SmtpConnection smtp) {
        progress.step(where, "TLS handshake");
        ObservingTrust trust;
        try {
            trust = new ObservingTrust(options.tls().trustManager());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            smtp.startTls(context.getSocketFactory(), !options.tls().insecure());
        } catch (IOException | GeneralSecurityException e) {
            fail(CheckFailure.Kind.TLS_FAILED, TlsFailure.reason(e, host));
            if (tlsKind == TlsKind.IMPLICIT && TlsFailure.kind(e) == TlsFailure.Kind.NOT_TLS) {
                speaksInstead = TlsKind.STARTTLS;
            }
            return false;
        }
        TlsInfo info = smtp.tls().orElseThrow();
        Certificate[] chain = smtp.peerCertificates();
        List<String> names = new ArrayList<>();
        long daysLeft = 0;
        if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
            try {
                if (certificate.getSubjectAlternativeNames() != null) {
                    certificate.getSubjectAlternativeNames().forEach(name -> names.add(String.valueOf(name.get(1))));
                }
            } catch (CertificateParsingException e) {
                // no names to show
            }
            daysLeft = Duration.between(Instant.now(), certificate.getNotAfter().toInstant()).toDays();
        }
        boolean verified = options.tls().insecure() || trust.failure() == null;
        String why = trust.failure() == null ? null : TlsFailure.reason(trust.failure(), host);
        Boolean daneMatch = null;
        Dane.Tlsa matched = null;
        if (dane != null && dane.applies()) {
            List<X509Certificate> certificates = java.util.Arrays.stream(chain)
                    .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).toList();
            matched = dane.match(certificates);
            daneMatch = matched != null;
        }
        tls = new PortCheck.Tls(info.protocol(), info.cipher(), info.subject(), names, info.issuer(), info.notAfter(),
                daysLeft, info.sha256Fingerprint(), verified, why, daneMatch, matched == null ? null : matched.toString());
        return true;
    }

    private PortCheck.SenderCheck sender(SmtpConnection smtp) throws IOException {
        Reply mail = smtp.command("MAIL FROM:<" + options.from() + ">");
        Reply rcpt = mail.isPositive() && options.to() != null ? smtp.command("RCPT TO:<" + options.to() + ">") : null;
        try {
            smtp.command("RSET");
        } catch (IOException e) {
            // the replies are what counts
        }
        return new PortCheck.SenderCheck(mail, rcpt);
    }

    private void fail(CheckFailure.Kind kind, String detail) {
        if (failure == null) {
            failure = new CheckFailure(kind, String.valueOf(detail));
        }
    }

    private PortCheck result(CheckFailure failure, String reverseDns, Boolean reverseMatches) {
        return new PortCheck(host, address, port, tlsKind, connect, connectMillis, banner, bannerMillis, capabilities,
                heloFallback, tls, capabilitiesAfterTls, speaksInstead, authReply, sender, reverseDns, reverseMatches,
                failure, ehloGreeting);
    }

    private static long millis(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
