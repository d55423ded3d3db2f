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
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static dev.smtplab.client.command.CodeOptions.flag;
import static dev.smtplab.client.command.CodeOptions.list;
import static dev.smtplab.client.command.CodeOptions.value;

/**
 * smtplab send: one message (or a load of them), stage by stage, with an exit code per failing stage.
 * Its options are declared in code ({@link CodeOptions}): this is the command whose start is timed.
 */
public final class SendCommand implements Callable<Integer> {
    private CommandSpec spec;
    private String server;
    private Integer port;
    private String helo;
    private String from;
    private List<String> to = new ArrayList<>();
    private List<String> cc = new ArrayList<>();
    private List<String> bcc = new ArrayList<>();
    private String subject;
    private String body;
    private List<String> headers = new ArrayList<>();
    private List<Path> attachments = new ArrayList<>();
    private String dataFile;
    private boolean implicitTls;
    private boolean startTlsRequired;
    private boolean startTlsOptional;
    private final AuthOptions auth = new AuthOptions();
    private AuthMechanism authMech;
    private QuitAfter quitAfter;
    private boolean transcript;
    private boolean showSecrets;
    private String lang;
    private boolean json;
    private int count;
    private int concurrency;
    private final ConnectionOptions connection = new ConnectionOptions();

    /** A new send command with its options, in the order the help lists them. */
    public static CommandSpec spec(IVersionProvider version) {
        SendCommand send = new SendCommand();
        CommandSpec spec = CodeOptions.command(send, "send", version,
                "Send a message over SMTP, stage by stage, and say exactly where and why it failed.");
        spec.usageMessage().sortOptions(false).autoWidth(true).exitCodeListHeading("%nExit codes:%n");
        send.spec = spec;
        spec.addOption(value("--server", String.class, "HOST[:PORT]", "The SMTP server.",
                () -> send.server, v -> send.server = v).required(true).build());
        spec.addOption(value("--port", Integer.class, "PORT", "The port, if not in --server (default 25; 465 with --tls).",
                () -> send.port, v -> send.port = v).build());
        spec.addOption(value("--helo", String.class, "NAME", "The name in EHLO (default: this machine's name).",
                () -> send.helo, v -> send.helo = v).build());
        spec.addOption(value("--from", String.class, "ADDRESS", "The envelope sender (MAIL FROM); \"\" for <>.",
                () -> send.from, v -> send.from = v).required(true).build());
        spec.addOption(list("--to", String.class, "ADDRESS", "A recipient (To: and RCPT TO); repeatable.",
                () -> send.to, v -> send.to = v).build());
        spec.addOption(list("--cc", String.class, "ADDRESS", "A Cc: recipient; repeatable.",
                () -> send.cc, v -> send.cc = v).build());
        spec.addOption(list("--bcc", String.class, "ADDRESS", "A recipient in the envelope only; repeatable.",
                () -> send.bcc, v -> send.bcc = v).build());
        spec.addOption(value("--subject", String.class, "TEXT", "The Subject: header.",
                () -> send.subject, v -> send.subject = v).defaultValue("Test message from smtplab").build());
        spec.addOption(value("--body", String.class, "TEXT|@FILE|-",
                "The body: text, @file to read a file, - for standard input.",
                () -> send.body, v -> send.body = v).defaultValue("This is a test message sent by smtplab.").build());
        spec.addOption(list("--header", String.class, "\"NAME: VALUE\"", "An extra header; repeatable.",
                () -> send.headers, v -> send.headers = v).build());
        spec.addOption(list("--attach", Path.class, "FILE", "Attach a file; repeatable.",
                () -> send.attachments, v -> send.attachments = v).build());
        spec.addOption(value("--data", String.class, "FILE|-", "Send this raw message as is (bare LF becomes CRLF).",
                () -> send.dataFile, v -> send.dataFile = v).build());
        spec.addArgGroup(ArgGroupSpec.builder().exclusive(true).multiplicity("0..1")
                .addArg(flag("--tls", "TLS from the start (implicit TLS, port 465).",
                        () -> send.implicitTls, v -> send.implicitTls = v).build())
                .addArg(flag("--starttls", "Require STARTTLS; fail with exit 29 if it is not offered.",
                        () -> send.startTlsRequired, v -> send.startTlsRequired = v).build())
                .addArg(flag("--starttls-optional", "Use STARTTLS when offered.",
                        () -> send.startTlsOptional, v -> send.startTlsOptional = v).build())
                .build());
        send.auth.addTo(spec);
        spec.addOption(value("--auth-mech", AuthMechanism.class, "MECH",
                "${COMPLETION-CANDIDATES} (default: the first the server offers).",
                () -> send.authMech, v -> send.authMech = v).build());
        spec.addOption(value("--quit-after", QuitAfter.class, "STAGE",
                "Stop after ${COMPLETION-CANDIDATES}; QUIT politely, send no message.",
                () -> send.quitAfter, v -> send.quitAfter = v).build());
        spec.addOption(flag("--transcript", "Print the dialogue with direction markers and timings.",
                () -> send.transcript, v -> send.transcript = v).build());
        spec.addOption(flag("--show-secrets", "Show AUTH secrets in the transcript instead of ****.",
                () -> send.showSecrets, v -> send.showSecrets = v).build());
        spec.addOption(value("--lang", String.class, "LANG", "The language of what goes wrong and the hints: en "
                        + "or ja (default: SMTPLAB_LANG, then the system's locale). --json stays English.",
                () -> send.lang, v -> send.lang = v).build());
        spec.addOption(flag("--json", "Print one JSON document describing the run.",
                () -> send.json, v -> send.json = v).build());
        spec.addOption(value("--count", int.class, "N", "Load mode: send N messages.",
                () -> send.count, v -> send.count = v).defaultValue("1").build());
        spec.addOption(value("--concurrency", int.class, "C", "Load mode: over C connections.",
                () -> send.concurrency, v -> send.concurrency = v).defaultValue("1").build());
        send.connection.addTo(spec);
        CodeOptions.addStandardHelp(spec);
        return spec;
    }

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
        TlsMode mode = implicitTls ? TlsMode.IMPLICIT : startTlsRequired ? TlsMode.STARTTLS_REQUIRED
                : startTlsOptional ? TlsMode.STARTTLS_OPTIONAL : TlsMode.NONE;
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
                    : MessageComposer.compose(headerFrom(), to, cc, subject, readBody(body), headers, attachments);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return new SendOptions(target.host(), targetPort, helo != null ? helo : localName(), from, recipients, message,
                mode, connection.tlsSettings(), auth.user(), auth.password(), authMech, stopAfter,
                connection.connectTimeout(), connection.replyTimeout(), showSecrets);
    }

    /**
     * The From: header's address: the envelope sender, or for the null sender ({@code --from ""}, as
     * bounces are sent) the mailer daemon of this machine, as Postfix writes on its bounces.
     */
    private String headerFrom() {
        return from.isEmpty() ? "MAILER-DAEMON@" + (helo != null ? helo : localName()) : from;
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
