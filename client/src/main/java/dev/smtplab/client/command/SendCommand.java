package dev.smtplab.client.command;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.AuthMechanism;
import dev.smtplab.client.protocol.HostAndPort;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** smtplab send: one message (or a load of them), stage by stage, with an exit code per failing stage. */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Send a message over SMTP, stage by stage, and say exactly where and why it failed.",
        exitCodeListHeading = "%nExit codes:%n")
public final class SendCommand implements Callable<Integer> {

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

    @Mixin
    AuthOptions auth;

    @Option(names = "--auth-mech", paramLabel = "MECH",
            description = "${COMPLETION-CANDIDATES} (default: the first the server offers).")
    AuthMechanism authMech;

    @Option(names = "--quit-after", paramLabel = "STAGE",
            description = "Stop after ${COMPLETION-CANDIDATES}; QUIT politely, send no message.")
    QuitAfter quitAfter;

    @Option(names = "--transcript", description = "Print the dialogue with direction markers and timings.")
    boolean transcript;

    @Option(names = "--show-secrets", description = "Show AUTH secrets in the transcript instead of ****.")
    boolean showSecrets;

    @Option(names = "--lang", paramLabel = "LANG", description = "The language of what goes wrong and the hints: en "
            + "or ja (default: SMTPLAB_LANG, then the system's locale). --json stays English.")
    String lang;

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
        Texts texts;
        try {
            // JSON is for programs: its texts stay English whatever the language.
            texts = Texts.of(json ? Language.ENGLISH : Language.choose(lang, System.getenv()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        SendOptions options = options();
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
        SendReport report = new SmtpSender(options, listeners, texts).send();
        if (json) {
            out.println(jsonMapper().writeValueAsString(report));
        } else if (report.exitCode() == 0) {
            out.println(resultLine(report, texts));
            for (String rejected : report.rejectedRecipients()) {
                err.println("smtplab send: " + texts.get("send.refusedRecipient", rejected));
            }
        } else {
            err.println("smtplab send: " + report.error());
            if (report.hint() != null) {
                err.println(texts.get("send.hintLine", report.hint()));
            }
        }
        out.flush();
        err.flush();
        return report.exitCode();
    }

    /**
     * The line a send that went through prints. In English it is written here rather than read
     * from the texts ({@code send.sent}, {@code send.stopped}, the same words: SendCommandTest holds
     * them equal), because reading the texts costs 15 ms of a 120 ms send that needs no other text.
     */
    static String resultLine(SendReport report, Texts texts) {
        boolean english = texts.language() == Language.ENGLISH;
        if (report.result().equals("stopped")) {
            var last = report.stages().get(report.stages().size() - 1);
            String after = last.stage().equals("quit") ? report.stages().get(report.stages().size() - 2).stage()
                    : last.stage();
            return english ? "stopped as asked after " + after + " with " + report.server()
                    : texts.get("send.stopped", after, report.server());
        }
        var message = report.stages().stream().filter(stage -> stage.stage().equals("message")).findFirst();
        if (message.isEmpty()) {
            return english ? "sent to " + report.server() : texts.get("send.sentNoReply", report.server());
        }
        String reply = message.get().code() + " " + message.get().text();
        return english ? "sent to " + report.server() + ": " + reply : texts.get("send.sent", report.server(), reply);
    }

    /** Records as their components: helpers such as Reply.isPositive() stay out of the JSON. */
    static ObjectMapper jsonMapper() {
        return new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);
    }

    SendOptions options() throws IOException {
        connection.validate(spec);
        TlsMode mode = tls.implicit ? TlsMode.IMPLICIT : tls.required ? TlsMode.STARTTLS_REQUIRED
                : tls.optional ? TlsMode.STARTTLS_OPTIONAL : TlsMode.NONE;
        HostAndPort target = usage(() -> HostAndPort.parse(server, mode == TlsMode.IMPLICIT ? 465 : 25));
        int targetPort = port != null ? usage(() -> HostAndPort.port(Integer.toString(port), "--port " + port))
                : target.port();
        Stage stopAfter = quitAfter == null ? null : quitAfter.stage();
        List<String> recipients = new ArrayList<>();
        recipients.addAll(to);
        recipients.addAll(cc);
        recipients.addAll(bcc);
        boolean needsRecipients = stopAfter == null || stopAfter.ordinal() >= Stage.RCPT.ordinal();
        if (recipients.isEmpty() && needsRecipients) {
            throw new ParameterException(spec.commandLine(), "no recipient: give --to, --cc or --bcc");
        }
        if (count < 1 || concurrency < 1) {
            throw new ParameterException(spec.commandLine(), "--count and --concurrency must be 1 or more");
        }
        if ((count > 1 || concurrency > 1) && stopAfter != null) {
            throw new ParameterException(spec.commandLine(),
                    "--quit-after does not go with load mode (--count, --concurrency)");
        }
        byte[] message;
        try {
            message = dataFile != null ? readData(dataFile)
                    : MessageComposer.compose(from, to, cc, subject, readBody(body), headers, attachments);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return new SendOptions(target.host(), targetPort, helo != null ? helo : localName(), from, recipients, message,
                mode, connection.tlsSettings(), auth.user(), auth.password(), authMech, stopAfter,
                connection.connectTimeout(), connection.replyTimeout(), showSecrets);
    }

    /** A value that does not parse is a usage error that names the option. */
    private <T> T usage(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private String readBody(String value) throws IOException {
        if (value.equals("-")) {
            return new String(readStdin(), StandardCharsets.UTF_8);
        }
        if (value.startsWith("@")) {
            Path file = Path.of(value.substring(1));
            if (!Files.isReadable(file)) {
                throw new ParameterException(spec.commandLine(), "--body " + value + ": no such readable file");
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
            throw new ParameterException(spec.commandLine(), "--data " + value + ": no such readable file");
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
