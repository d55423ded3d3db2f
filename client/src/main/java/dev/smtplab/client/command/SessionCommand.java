package dev.smtplab.client.command;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.HostAndPort;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.TlsFailure;
import dev.smtplab.client.protocol.TlsSettings;
import dev.smtplab.client.send.ExitCode;
import dev.smtplab.client.send.ConnectFailure;
import dev.smtplab.client.session.InteractiveSession;
import dev.smtplab.client.session.LineSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.concurrent.Callable;

/** smtplab session HOST [PORT]: a telnet for SMTP, with the help telnet never gives. */
@Command(name = "session", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Talk SMTP by hand: what you type goes out with CRLF, replies show as they arrive.",
                "Lines starting with / are helpers: /starttls, /auth, /data, /explain, /save, /help, /quit.",
                "When standard input is not a terminal, lines are read from it and the session ends when the server closes."})
public final class SessionCommand implements Callable<Integer>, CodeOptions.Holder {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST[:PORT]", descriptionKey = "host", description = "The SMTP server, as HOST, HOST:PORT or [IPv6]:PORT.")
    String host;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT", descriptionKey = "port", description = "The port (default 25; 465 with --tls).")
    Integer port;

    @Option(names = "--tls", description = "TLS from the start (implicit TLS, port 465).")
    boolean tls;

    @Option(names = "--starttls", description = "Start with EHLO and STARTTLS, then hand over.")
    boolean startTls;

    @Option(names = "--explain", description = "Explain every reply as it comes, for learning.")
    boolean explain;

    @Option(names = "--lang", paramLabel = "LANG",
            description = "The language of the session's notes and help: en or ja (default: SMTPLAB_LANG, then the system's locale).")
    String lang;

    private final AuthOptions auth = new AuthOptions();
    private final ConnectionOptions connection = new ConnectionOptions();

    @Override
    public void addCodeOptions(CommandSpec spec) {
        auth.addTo(spec);
        connection.addTo(spec);
        CodeOptions.addStandardHelp(spec);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        connection.validate(spec);
        Texts texts;
        try {
            texts = Texts.of(Language.choose(lang, System.getenv()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (tls && startTls) {
            throw new ParameterException(spec.commandLine(),
                    "--tls and --starttls do not go together: TLS is on from the start with --tls");
        }
        HostAndPort target;
        try {
            int defaultPort = tls ? 465 : 25;
            target = HostAndPort.parse(host, defaultPort);
            if (port != null) {
                if (!host.trim().startsWith("[") && host.contains(":") && !HostAndPort.isIpLiteral(host)) {
                    throw new IllegalArgumentException("give the port once: as HOST:PORT or as PORT, not both");
                }
                target = new HostAndPort(HostAndPort.isIpLiteral(host) ? host : target.host(),
                        HostAndPort.port(Integer.toString(port), "PORT " + port));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        String password = auth.password();
        boolean terminal = System.console() != null && System.getenv("SMTPLAB_FORCE_PIPE") == null;
        // Like telnet: say what is happening at once. On a pipe this goes to stderr, so stdout is the dialogue.
        PrintWriter progress = terminal ? out : err;
        TlsSettings tlsSettings = connection.tlsSettings();
        SmtpConnection smtp;
        try {
            InetAddress address = InetAddress.getByName(target.host());
            progress.println("Trying " + address.getHostAddress() + "...");
            progress.flush();
            smtp = SmtpConnection.connect(target.host(), address.getHostAddress(), target.port(),
                    connection.connectTimeout(), connection.replyTimeout());
            progress.println("Connected to " + target.host() + " (" + address.getHostAddress() + ") port "
                    + target.port() + (tls ? "; starting TLS" : "") + ".");
            progress.flush();
        } catch (IOException e) {
            ConnectFailure failure = ConnectFailure.of(e, target.host(), target.port(), connection.connectTimeout(), texts);
            err.println("smtplab session: " + failure.message());
            err.flush();
            return failure.exitCode().code();
        }
        if (tls) {
            try {
                smtp.startTlsObserving(tlsSettings).ifPresent(problem -> progress.println("WARNING: the server's "
                        + "certificate does not verify: " + problem + ". The connection is encrypted, but nothing "
                        + "proves the server is who it claims to be."));
                tlsSettings.trustedLocalCa().ifPresent(ca -> progress.println("(trusting the local SMTP Lab CA "
                        + "from " + ca + " as well as the system's CAs)"));
            } catch (IOException e) {
                smtp.close();
                boolean plain = e instanceof TlsFailure failure && failure.kind() == TlsFailure.Kind.NOT_TLS;
                err.println("smtplab session: " + (plain ? "the server answered in plain text, not TLS: this port "
                        + "speaks plain SMTP. Start the session without --tls, then type /starttls" : "TLS failed: "
                        + e.getMessage()));
                err.flush();
                return ExitCode.TLS_FAILURE.code();
            }
            progress.flush();
        }
        boolean color = terminal && System.getenv("NO_COLOR") == null;
        LineSource lines = terminal ? InteractiveSession.terminal() : InteractiveSession.pipe(System.in, out);
        if (terminal) {
            lines.print(texts.get("session.start"));
        }
        return new InteractiveSession(smtp, lines, tlsSettings, connection.replyTimeout(), explain, color).texts(texts)
                .run(new InteractiveSession.Prelude(startTls, SendCommand.localName(), auth.user(), password));
    }
}
