package dev.smtplab.client.command;

import dev.smtplab.client.protocol.HostAndPort;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.smtplab.client.send.ExitCode;
import dev.smtplab.client.send.LoadReport;
import dev.smtplab.client.send.LoadRunner;
import dev.smtplab.client.send.MessageComposer;
import dev.smtplab.client.send.SendOptions;
import dev.smtplab.client.send.SendReport;
import dev.smtplab.client.send.SmtpSender;
import dev.smtplab.client.send.Stage;
import dev.smtplab.client.send.TlsMode;
import dev.smtplab.client.send.Transcript;
import dev.smtplab.client.protocol.WireListener;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** smtplab send: one message (or a load of them), stage by stage, with an exit code per failing stage. */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Send a message over SMTP, stage by stage, and say exactly where and why it failed.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        " 0:sent (or stopped cleanly at --quit-after)", " 1:usage error", " 2:connection refused",
        " 3:connect timed out (blocked or filtered)", " 4:host name not found",
        " 5:TLS failure (handshake or certificate verification)", " 6:connection closed by the server unexpectedly",
        " 7:timed out waiting for a reply", "21:banner refused (greeting not 220)", "22:EHLO/HELO refused",
        "23:MAIL FROM refused", "24:every RCPT TO refused", "25:DATA refused", "26:message refused after the final dot",
        "28:AUTH refused", "29:STARTTLS refused or not offered"})
public final class SendCommand implements Callable<Integer> {
    static final String PASSWORD_VARIABLE = "SMTPLAB_AUTH_PASSWORD";

    @Spec
    CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "HOST[:PORT]", description = "The SMTP server.")
    String server;

    @Option(names = "--port", paramLabel = "PORT", description = "The port, if not in --server (default 25; 465 with --tls).")
    Integer port;

    @Option(names = "--helo", paramLabel = "NAME", description = "The name in EHLO (default: this machine's name).")
    String helo;

    @Option(names = "--from", required = true, paramLabel = "ADDRESS", description = "The envelope sender (MAIL FROM); \"\" for <>.")
    String from;

    @Option(names = "--to", paramLabel = "ADDRESS", description = "A recipient (To: and RCPT TO); repeatable.")
    List<String> to = new ArrayList<>();

    @Option(names = "--cc", paramLabel = "ADDRESS", description = "A Cc: recipient; repeatable.")
    List<String> cc = new ArrayList<>();

    @Option(names = "--bcc", paramLabel = "ADDRESS", description = "A recipient in the envelope only; repeatable.")
    List<String> bcc = new ArrayList<>();

    @Option(names = "--subject", defaultValue = "Test message from smtplab", description = "The Subject: header.")
    String subject;

    @Option(names = "--body", paramLabel = "TEXT|@FILE|-", defaultValue = "This is a test message sent by smtplab.",
            description = "The body: text, @file to read a file, - for standard input.")
    String body;

    @Option(names = "--header", paramLabel = "\"NAME: VALUE\"", description = "An extra header; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--attach", paramLabel = "FILE", description = "Attach a file; repeatable.")
    List<Path> attachments = new ArrayList<>();

    @Option(names = "--data", paramLabel = "FILE|-", description = "Send this raw message as is (bare LF becomes CRLF).")
    String dataFile;

    @ArgGroup(exclusive = true)
    TlsChoice tls = new TlsChoice();

    static final class TlsChoice {
        @Option(names = "--tls", description = "TLS from the start (implicit TLS, port 465).")
        boolean implicit;

        @Option(names = "--starttls", description = "Require STARTTLS; fail with exit 29 if it is not offered.")
        boolean required;

        @Option(names = "--starttls-optional", description = "Use STARTTLS when offered.")
        boolean optional;
    }

    @Option(names = "--auth-user", paramLabel = "USER", description = "Log in (AUTH) as this user.")
    String authUser;

    @Option(names = "--auth-password", paramLabel = "PASSWORD",
            description = "The password (or set " + PASSWORD_VARIABLE + ", or be asked on a terminal).")
    String authPassword;

    @Option(names = "--auth-mech", paramLabel = "MECH", description = "PLAIN, LOGIN or CRAM-MD5 (default: the first the server offers).")
    String authMech;

    @Option(names = "--quit-after", paramLabel = "STAGE",
            description = "Stop after connect, banner, ehlo, starttls, auth, mail, rcpt or data; QUIT politely, send no message.")
    String quitAfter;

    @Option(names = "--transcript", description = "Print the dialogue with direction markers and timings.")
    boolean transcript;

    @Option(names = "--show-secrets", description = "Show AUTH secrets in the transcript instead of ****.")
    boolean showSecrets;

    @Option(names = "--json", description = "Print one JSON document describing the run.")
    boolean json;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "Load mode: send N messages.")
    int count;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "1", description = "Load mode: over C connections.")
    int concurrency;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SendOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            err.println("smtplab send: " + e.getMessage());
            err.flush();
            return ExitCode.USAGE.code();
        }
        if (count > 1 || concurrency > 1) {
            LoadReport report = new LoadRunner(options, count, concurrency, System.console() != null ? err : null).run();
            if (json) {
                out.println(jsonMapper().writeValueAsString(report));
            } else {
                out.println(report.summary());
            }
            out.flush();
            return report.failures().isEmpty() ? 0 : ExitCode.MESSAGE_REFUSED.code();
        }
        List<WireListener> listeners = transcript && !json ? List.of(new Transcript(out)) : List.of();
        SendReport report = new SmtpSender(options, listeners).send();
        if (json) {
            out.println(jsonMapper().writeValueAsString(report));
        } else if (report.exitCode() == 0) {
            out.println(resultLine(report));
            for (String rejected : report.rejectedRecipients()) {
                err.println("smtplab send: refused recipient " + rejected);
            }
        } else {
            err.println("smtplab send: " + report.error());
            if (report.hint() != null) {
                err.println("hint: " + report.hint());
            }
        }
        out.flush();
        err.flush();
        return report.exitCode();
    }

    private static String resultLine(SendReport report) {
        if (report.result().equals("stopped")) {
            var last = report.stages().get(report.stages().size() - 1);
            return "stopped as asked after " + (last.stage().equals("quit")
                    ? report.stages().get(report.stages().size() - 2).stage() : last.stage())
                    + " with " + report.server();
        }
        var message = report.stages().stream().filter(stage -> stage.stage().equals("message")).findFirst();
        return "sent to " + report.server() + message.map(stage -> ": " + stage.code() + " " + stage.text()).orElse("");
    }

    /** Records as their components: helpers such as Reply.isPositive() stay out of the JSON. */
    static ObjectMapper jsonMapper() {
        return new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);
    }

    SendOptions options() throws IOException {
        connection.validate();
        TlsMode mode = tls.implicit ? TlsMode.IMPLICIT : tls.required ? TlsMode.STARTTLS_REQUIRED
                : tls.optional ? TlsMode.STARTTLS_OPTIONAL : TlsMode.NONE;
        HostAndPort target = HostAndPort.parse(server, mode == TlsMode.IMPLICIT ? 465 : 25);
        int targetPort = port != null ? HostAndPort.port(Integer.toString(port), "--port " + port) : target.port();
        Stage stopAfter = quitAfter == null ? null : stage(quitAfter);
        List<String> recipients = new ArrayList<>();
        recipients.addAll(to);
        recipients.addAll(cc);
        recipients.addAll(bcc);
        boolean needsRecipients = stopAfter == null || stopAfter.ordinal() >= Stage.RCPT.ordinal();
        if (recipients.isEmpty() && needsRecipients) {
            throw new IllegalArgumentException("no recipient: give --to, --cc or --bcc");
        }
        if (count < 1 || concurrency < 1) {
            throw new IllegalArgumentException("--count and --concurrency must be 1 or more");
        }
        if ((count > 1 || concurrency > 1) && stopAfter != null) {
            throw new IllegalArgumentException("--quit-after does not go with load mode (--count, --concurrency)");
        }
        if (authMech != null && !List.of("PLAIN", "LOGIN", "CRAM-MD5").contains(authMech.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--auth-mech " + authMech + ": use PLAIN, LOGIN or CRAM-MD5");
        }
        byte[] message = dataFile != null ? readData(dataFile)
                : MessageComposer.compose(from, to, cc, subject, readBody(body), headers, attachments);
        return new SendOptions(target.host(), targetPort, helo != null ? helo : localName(), from, recipients, message,
                mode, connection.tlsSettings(), authUser, authUser == null ? null : password(), authMech, stopAfter,
                connection.connectTimeout(), connection.replyTimeout(), showSecrets);
    }

    private static Stage stage(String name) {
        for (Stage stage : List.of(Stage.CONNECT, Stage.BANNER, Stage.EHLO, Stage.STARTTLS, Stage.AUTH, Stage.MAIL,
                Stage.RCPT, Stage.DATA)) {
            if (stage.key().equalsIgnoreCase(name)) {
                return stage;
            }
        }
        throw new IllegalArgumentException("--quit-after " + name
                + ": use connect, banner, ehlo, starttls, auth, mail, rcpt or data");
    }

    private String password() {
        if (authPassword != null) {
            return authPassword;
        }
        String fromEnvironment = System.getenv(PASSWORD_VARIABLE);
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("password for %s: ", authUser);
            if (typed != null) {
                return new String(typed);
            }
        }
        throw new IllegalArgumentException("no password for --auth-user " + authUser + ": give --auth-password, set "
                + PASSWORD_VARIABLE + ", or run on a terminal to be asked");
    }

    private String readBody(String value) throws IOException {
        if (value.equals("-")) {
            return new String(readStdin(), StandardCharsets.UTF_8);
        }
        if (value.startsWith("@")) {
            Path file = Path.of(value.substring(1));
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("--body " + value + ": no such readable file");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        return value;
    }

    private byte[] readData(String value) throws IOException {
        if (value.equals("-")) {
            return readStdin();
        }
        Path file = Path.of(value);
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("--data " + value + ": no such readable file");
        }
        return Files.readAllBytes(file);
    }

    private static byte[] readStdin() throws IOException {
        InputStream in = System.in;
        return in.readAllBytes();
    }

    /** This machine's name without asking DNS: the HOSTNAME variable or /etc/hostname. */
    static String localName() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = Files.readString(Path.of("/etc/hostname")).trim();
            } catch (IOException | RuntimeException e) {
                name = null;
            }
        }
        return name == null || name.isBlank() || name.contains(" ") ? "localhost" : name;
    }

}
