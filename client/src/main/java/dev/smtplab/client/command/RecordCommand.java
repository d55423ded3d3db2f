package dev.smtplab.client.command;

import dev.smtplab.client.protocol.HostAndPort;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.TlsBytesException;
import dev.smtplab.client.protocol.TlsSettings;
import dev.smtplab.client.record.Recording;
import dev.smtplab.client.record.RecordingProxy;
import dev.smtplab.client.record.Upstream;
import dev.smtplab.client.send.ConnectFailure;
import dev.smtplab.server.tls.TlsMaterial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/** smtplab record: a recording SMTP proxy, whose recording SMTP Lab's server replays. */
@Command(name = "record", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Relay SMTP from a loopback port to a real server and record how it answers: its greeting, "
                + "EHLO reply, reply texts, refusals of senders and recipients, and timing. The file is a rules file "
                + "that ./smtplab server --replay FILE answers like the recorded server.",
                "A recording proxy sees every session in plain text: at STARTTLS it makes its own TLS to the server "
                        + "and gives the client TLS made with SMTP Lab's local CA, as a test MITM does. AUTH secrets "
                        + "are relayed but shown as **** and never written."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped (Ctrl-C), the file written", "1:usage error, or the file or port cannot be used",
                "2:the server refused the connection", "3:the server did not answer (blocked or filtered)",
                "4:host name not found", "5:TLS failure", "6:the server closed the connection or sent no greeting"})
public final class RecordCommand implements Callable<Integer>, CodeOptions.Holder {
    @Spec
    CommandSpec spec;

    @Option(names = "--upstream", required = true, paramLabel = "HOST[:PORT]",
            description = "The real server to relay to (default port 25; 465 with --tls).")
    String upstream;

    @Option(names = "--listen", paramLabel = "PORT", defaultValue = "2526",
            description = "The loopback port clients connect to (default: ${DEFAULT-VALUE}; 0 for a free one).")
    int listen;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "recording.yaml",
            description = "Where the recording goes, rewritten whole after each session (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-data", description = "Refuse DATA with 554 instead of relaying it, so nothing is delivered.")
    boolean noData;

    @Option(names = "--tls", description = "The real server speaks TLS from the first byte (port 465).")
    boolean implicitTls;

    private final ConnectionOptions connection = new ConnectionOptions();

    @Override
    public void addCodeOptions(CommandSpec spec) {
        connection.addTo(spec);
        CodeOptions.addStandardHelp(spec);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        connection.validate(spec);
        HostAndPort target;
        try {
            target = HostAndPort.parse(upstream, implicitTls ? 465 : 25);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--upstream: " + e.getMessage());
        }
        if (listen < 0 || listen > 65535) {
            throw new ParameterException(spec.commandLine(), "--listen " + listen + ": a port is 0 to 65535");
        }
        Path folder = out.toAbsolutePath().getParent();
        if (Files.isDirectory(out) || !Files.isDirectory(folder) || !Files.isWritable(folder)) {
            throw new ParameterException(spec.commandLine(), "--out " + out + ": cannot write there ("
                    + (Files.isDirectory(out) ? "it is a folder" : "no writable folder " + folder) + ")");
        }
        TlsSettings tls = connection.tlsSettings();
        Recording recording = new Recording(target.toString());
        Upstream opener = new Upstream() {
            @Override
            public SmtpConnection open() throws IOException {
                return implicitTls ? SmtpConnection.connectTls(target.host(), target.port(),
                        connection.connectTimeout(), connection.replyTimeout(), tls)
                        : SmtpConnection.connect(target.host(), target.port(), connection.connectTimeout(),
                        connection.replyTimeout());
            }

            @Override
            public void startTls(SmtpConnection server) throws IOException {
                server.startTls(tls);
            }
        };
        Reply greeting;
        try {
            greeting = probe(opener, recording);
        } catch (IOException e) {
            ConnectFailure failure = failure(e, target);
            err.println("smtplab record: " + failure.message());
            err.flush();
            return failure.exitCode().code();
        }
        String header = "Recorded by smtplab record from " + target + ", " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + ".\nA rules file: ./smtplab server --replay " + out.getFileName() + " answers as the recorded server "
                + "(--replay-timing\nalso as slowly); edit it by hand as any other. AUTH secrets are never written.";
        RecordingProxy proxy;
        try {
            proxy = new RecordingProxy(listen, opener, recording, out, header,
                    TlsMaterial.localCa(connection.dataFolder(), "localhost").sslContext(), noData, line -> {
                        synchronized (stdout) {
                            stdout.println(line);
                            stdout.flush();
                        }
                    });
            proxy.write();
        } catch (IOException e) {
            err.println("smtplab record: " + e.getMessage());
            err.flush();
            return 1;
        }
        stdout.println("smtplab record: relaying 127.0.0.1:" + proxy.port() + " to " + target + ", recording into "
                + out + (noData ? " (--no-data: DATA is refused, nothing is delivered)" : ""));
        stdout.println("  " + target + " greets: " + greeting.wireText().lines().findFirst().orElse(""));
        stdout.println("  Point a client at 127.0.0.1:" + proxy.port() + " (smtplab session 127.0.0.1 " + proxy.port()
                + "). At STARTTLS the client gets TLS from SMTP Lab's local CA (" + connection.dataFolder()
                .resolve("ca.pem") + "). Ctrl-C stops.");
        stdout.flush();
        Thread stopper = new Thread(() -> {
            try {
                proxy.close();
                stdout.println("smtplab record: " + recording.sessions() + " session(s) in " + out
                        + "; replay with ./smtplab server --replay " + out);
                stdout.flush();
            } catch (IOException e) {
                err.println("smtplab record: cannot write " + out + ": " + e.getMessage());
                err.flush();
            }
        }, "smtplab-record-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        proxy.serve();
        return 0;
    }

    /** A first session of its own, to find at once a server that cannot be reached: greeting, then QUIT. */
    private static Reply probe(Upstream opener, Recording recording) throws IOException {
        long started = System.nanoTime();
        try (SmtpConnection server = opener.open()) {
            Reply greeting = server.readReply();
            recording.greetingOfProbe(greeting, java.time.Duration.ofNanos(System.nanoTime() - started),
                    server.socket().getLocalAddress().getHostAddress());
            if (greeting.code() == 220) {
                server.command("QUIT");
            }
            return greeting;
        }
    }

    /** Why the real server cannot be recorded, in plain words. */
    private ConnectFailure failure(IOException e, HostAndPort target) {
        // SmtpConnection's reply timeout says "no reply within"; a connect that times out says otherwise.
        if (e instanceof SocketTimeoutException && e.getMessage() != null && e.getMessage().startsWith("no reply")) {
            return new ConnectFailure(ConnectFailure.Kind.OTHER, dev.smtplab.client.send.ExitCode.CONNECTION_CLOSED,
                    target + " accepted the connection but sent no greeting within " + connection.replyTimeout()
                            .toSeconds() + " s" + (implicitTls ? "" : ": if it speaks TLS from the first byte "
                            + "(port 465), add --tls"));
        }
        if (e instanceof TlsBytesException) {
            return new ConnectFailure(ConnectFailure.Kind.TLS, dev.smtplab.client.send.ExitCode.TLS_FAILURE,
                    target + " answered with TLS, not a greeting: add --tls");
        }
        if (e instanceof dev.smtplab.client.protocol.ConnectionClosedException) {
            return new ConnectFailure(ConnectFailure.Kind.OTHER, dev.smtplab.client.send.ExitCode.CONNECTION_CLOSED,
                    target + " closed the connection before its greeting");
        }
        return ConnectFailure.of(e, target.host(), target.port(), connection.connectTimeout());
    }
}
