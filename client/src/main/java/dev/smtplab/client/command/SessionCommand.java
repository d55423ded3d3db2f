package dev.smtplab.client.command;

import dev.smtplab.client.protocol.HostAndPort;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.send.ConnectFailure;
import dev.smtplab.client.session.InteractiveSession;
import dev.smtplab.client.session.LineSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** smtplab session HOST [PORT]: a telnet for SMTP, with the help telnet never gives. */
@Command(name = "session", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Talk SMTP by hand: what you type goes out with CRLF, replies show as they arrive.",
                "Lines starting with / are helpers: /starttls, /auth, /data, /explain, /save, /help, /quit.",
                "When standard input is not a terminal, lines are read from it and the session ends when the server closes."})
public final class SessionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST", description = "The SMTP server.")
    String host;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT", description = "The port (default 25; 465 with --tls).")
    Integer port;

    @Option(names = "--tls", description = "TLS from the start (implicit TLS, port 465).")
    boolean tls;

    @Option(names = "--starttls", description = "Start with EHLO and STARTTLS, then hand over.")
    boolean startTls;

    @Mixin
    AuthOptions auth;

    @Option(names = "--explain", description = "Explain every reply as it comes, for learning.")
    boolean explain;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        connection.validate(spec);
        if (tls && startTls) {
            throw new ParameterException(spec.commandLine(),
                    "--tls and --starttls do not go together: TLS is on from the start with --tls");
        }
        int targetPort;
        try {
            targetPort = port == null ? (tls ? 465 : 25) : HostAndPort.port(Integer.toString(port), "PORT " + port);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        String password = auth.password();
        SmtpConnection smtp;
        try {
            smtp = tls ? SmtpConnection.connectTls(host, targetPort, connection.connectTimeout(),
                    connection.replyTimeout(), connection.tlsSettings())
                    : SmtpConnection.connect(host, targetPort, connection.connectTimeout(), connection.replyTimeout());
        } catch (IOException e) {
            ConnectFailure failure = ConnectFailure.of(e, host, targetPort, connection.connectTimeout());
            err.println("smtplab session: " + failure.message());
            err.flush();
            return failure.exitCode().code();
        }
        boolean terminal = System.console() != null && System.getenv("SMTPLAB_FORCE_PIPE") == null;
        boolean color = terminal && System.getenv("NO_COLOR") == null;
        LineSource lines = terminal ? InteractiveSession.terminal() : InteractiveSession.pipe(System.in, out);
        if (terminal) {
            lines.print("connected to " + host + ":" + targetPort + "; /help for helpers, /quit to leave");
        }
        new InteractiveSession(smtp, lines, connection.tlsSettings(), connection.replyTimeout(), explain, color)
                .run(new InteractiveSession.Prelude(startTls, SendCommand.localName(), auth.user(), password));
        return 0;
    }
}
