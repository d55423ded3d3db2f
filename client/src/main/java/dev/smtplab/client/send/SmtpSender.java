package dev.smtplab.client.send;

import dev.smtplab.client.explain.ReplyExplainer;
import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.ConnectionClosedException;
import dev.smtplab.client.protocol.AuthMechanism;
import dev.smtplab.client.protocol.EhloExchange;
import dev.smtplab.client.protocol.Extensions;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.Sasl;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.SmtpProtocolException;
import dev.smtplab.client.protocol.WireListener;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one SMTP conversation stage by stage (connect, banner, EHLO, STARTTLS, AUTH, MAIL, RCPT,
 * DATA, the message, QUIT) and reports each, ending in one exit code per way it can fail.
 * A sender can also keep its connection for more messages (load mode).
 */
public final class SmtpSender implements AutoCloseable {
    private static final Pattern QUEUE_ID = Pattern.compile("(?i)queued as ([^\\s;]+)");

    private final SendOptions options;
    private final Texts texts;
    private final List<WireListener> listeners;
    private final List<StageResult> stages = new ArrayList<>();
    private final List<String> rejectedRecipients = new ArrayList<>();
    private SmtpConnection connection;
    private Extensions extensions = Extensions.NONE;
    private String queueId;

    /** A stage ended the send: which exit code, why, and the reply if there was one. */
    static final class StageFailure extends Exception {
        final ExitCode exitCode;
        final Reply reply;

        StageFailure(ExitCode exitCode, String message, Reply reply) {
            super(message);
            this.exitCode = exitCode;
            this.reply = reply;
        }
    }

    public SmtpSender(SendOptions options, List<WireListener> listeners) {
        this(options, listeners, Texts.of(Language.ENGLISH));
    }

    /** @param texts the language of the report's error and hint (--json keeps English) */
    public SmtpSender(SendOptions options, List<WireListener> listeners, Texts texts) {
        this.options = options;
        this.listeners = List.copyOf(listeners);
        this.texts = texts;
    }

    private StageFailure failure(ExitCode exitCode, Reply reply, String key, Object... values) {
        return new StageFailure(exitCode, texts.get("send.failure." + key, values), reply);
    }

    /** The whole send, as --quit-after says; never throws for SMTP or network trouble, it reports it. */
    public SendReport send() {
        try {
            if (open()) {
                transaction(options.message());
            }
            quit();
            return report(options.quitAfter() == null ? "sent" : "stopped", ExitCode.SENT, null, null);
        } catch (StageFailure failure) {
            quietQuit(failure.exitCode);
            String hint = failure.reply != null ? ReplyExplainer.in(texts).of(failure.reply).hint()
                    : failure.exitCode.hint(texts);
            return report("failed", failure.exitCode, failure.getMessage(), hint);
        } finally {
            close();
        }
    }

    /** One stage of the conversation. */
    @FunctionalInterface
    private interface StageAction {
        void run() throws StageFailure;
    }

    private record Step(Stage stage, StageAction action) {
    }

    /**
     * Runs the steps in order until --quit-after names one: the one place that stops a send.
     * Returns false when it stopped.
     */
    private boolean run(List<Step> steps) throws StageFailure {
        for (Step step : steps) {
            step.action().run();
            if (options.quitAfter() == step.stage()) {
                if (step.stage() == Stage.DATA) {
                    // After 354 every line is message content, QUIT included: the only way out that
                    // sends no message is to hang up.
                    close();
                }
                return false;
            }
        }
        return true;
    }

    /** Connects and gets as far as AUTH. Returns false when --quit-after stops before MAIL. */
    boolean open() throws StageFailure {
        return run(List.of(
                new Step(Stage.CONNECT, this::connect),
                new Step(Stage.BANNER, this::banner),
                new Step(Stage.EHLO, this::ehlo),
                new Step(Stage.STARTTLS, () -> {
                    if (options.tlsMode() == TlsMode.STARTTLS_REQUIRED || options.tlsMode() == TlsMode.STARTTLS_OPTIONAL) {
                        startTls();
                    }
                }),
                new Step(Stage.AUTH, () -> {
                    if (options.authUser() != null) {
                        authenticate();
                    }
                })));
    }

    private void connect() throws StageFailure {
        long started = System.nanoTime();
        try {
            connection = options.tlsMode() == TlsMode.IMPLICIT
                    ? SmtpConnection.connectTls(options.host(), options.port(), options.connectTimeout(),
                    options.replyTimeout(), options.tlsSettings())
                    : SmtpConnection.connect(options.host(), options.port(), options.connectTimeout(),
                    options.replyTimeout());
        } catch (IOException e) {
            ConnectFailure failure = ConnectFailure.of(e, options.host(), options.port(), options.connectTimeout(), texts);
            throw new StageFailure(failure.exitCode(), failure.message(), null);
        }
        listeners.forEach(connection::addListener);
        stages.add(StageResult.withoutReply(Stage.CONNECT, "connected to " + options.server()
                + connection.tls().map(tls -> " with " + tls.protocol()).orElse(""), elapsed(started)));
    }

    private void banner() throws StageFailure {
        Reply banner = expect(Stage.BANNER);
        if (banner.code() != 220) {
            throw failure(ExitCode.BANNER_REFUSED, banner, "banner", banner.text());
        }
    }

    private void ehlo() throws StageFailure {
        EhloExchange ehlo = EhloExchange.run(options.helo(), command -> command(Stage.EHLO, command));
        extensions = ehlo.extensions();
        if (!ehlo.reply().isPositive()) {
            throw failure(ExitCode.EHLO_REFUSED, ehlo.reply(), "ehlo", ehlo.reply().wireText());
        }
    }

    private void startTls() throws StageFailure {
        if (!extensions.offers("STARTTLS")) {
            if (options.tlsMode() == TlsMode.STARTTLS_OPTIONAL) {
                return;
            }
            throw failure(ExitCode.STARTTLS_REFUSED, null, "noStarttls");
        }
        Reply reply = command(Stage.STARTTLS, "STARTTLS");
        if (reply.code() != 220) {
            throw failure(ExitCode.STARTTLS_REFUSED, reply, "starttls", reply.wireText());
        }
        try {
            connection.startTls(options.tlsSettings());
        } catch (IOException e) {
            throw new StageFailure(ExitCode.TLS_FAILURE, texts.get("connect.tls", options.server(), e.getMessage()), null);
        }
        // RFC 3207, 4.2: forget what was said before TLS and ask again.
        ehlo();
    }

    private void authenticate() throws StageFailure {
        AuthMechanism mechanism = mechanism();
        String user = options.authUser();
        String password = options.authPassword() == null ? "" : options.authPassword();
        Reply reply = switch (mechanism) {
            case PLAIN -> secretCommand(Stage.AUTH, "AUTH PLAIN " + Sasl.plain(user, password), "AUTH PLAIN ****");
            case LOGIN -> {
                Reply step = command(Stage.AUTH, "AUTH LOGIN");
                if (step.code() == 334) {
                    step = secretCommand(Stage.AUTH, Sasl.base64(user), Sasl.base64(user));
                }
                if (step.code() == 334) {
                    step = secretCommand(Stage.AUTH, Sasl.base64(password), "****");
                }
                yield step;
            }
            case CRAM_MD5 -> {
                Reply challenge = command(Stage.AUTH, "AUTH CRAM-MD5");
                yield challenge.code() == 334
                        ? secretCommand(Stage.AUTH, Sasl.cramMd5(user, password, challenge.text()), "****") : challenge;
            }
        };
        if (reply.code() != 235) {
            throw failure(ExitCode.AUTH_REFUSED, reply, "auth", mechanism.wireName(), reply.wireText());
        }
    }

    private AuthMechanism mechanism() throws StageFailure {
        if (options.authMech() != null) {
            return options.authMech();
        }
        Optional<List<String>> offered = extensions.arguments("AUTH");
        if (offered.isEmpty()) {
            throw failure(ExitCode.AUTH_REFUSED, null, connection.tls().isEmpty() ? "noAuthBeforeTls" : "noAuth");
        }
        List<String> mechanisms = offered.get();
        for (AuthMechanism preferred : AuthMechanism.values()) {
            if (mechanisms.contains(preferred.wireName())) {
                return preferred;
            }
        }
        throw failure(ExitCode.AUTH_REFUSED, null, "noMechanism", String.join(" ", mechanisms));
    }

    /** One transaction: MAIL, every RCPT, DATA and the message, as far as --quit-after allows. */
    void transaction(byte[] message) throws StageFailure {
        run(List.of(
                new Step(Stage.MAIL, () -> mail(message)),
                new Step(Stage.RCPT, this::recipients),
                new Step(Stage.DATA, this::data),
                new Step(Stage.MESSAGE, () -> content(message))));
    }

    private void mail(byte[] message) throws StageFailure {
        Reply reply = command(Stage.MAIL, "MAIL FROM:<" + options.from() + ">"
                + MailParameters.of(message, options.from(), options.recipients(), extensions));
        if (!reply.isPositive()) {
            throw failure(ExitCode.MAIL_REFUSED, reply, "mail", reply.wireText());
        }
    }

    private void recipients() throws StageFailure {
        Reply lastRefusal = null;
        int accepted = 0;
        rejectedRecipients.clear();
        for (String recipient : options.recipients()) {
            Reply rcpt = command(Stage.RCPT, "RCPT TO:<" + recipient + ">");
            if (rcpt.isPositive()) {
                accepted++;
            } else {
                lastRefusal = rcpt;
                rejectedRecipients.add(recipient + ": " + rcpt.wireText());
            }
        }
        if (accepted == 0) {
            throw failure(ExitCode.RCPT_REFUSED, lastRefusal, "rcpt", String.join("; ", rejectedRecipients));
        }
    }

    private void data() throws StageFailure {
        Reply reply = command(Stage.DATA, "DATA");
        if (reply.code() != 354) {
            throw failure(ExitCode.DATA_REFUSED, reply, "data", reply.wireText());
        }
    }

    private void content(byte[] message) throws StageFailure {
        long started = System.nanoTime();
        byte[] wire = DotStuffing.encode(message);
        Reply reply;
        try {
            connection.sendBytes(wire);
            connection.noteSent("[message: " + message.length + " bytes, then the lone dot]");
            reply = connection.readReply();
            stages.add(StageResult.of(Stage.MESSAGE, "[message: " + message.length + " bytes]", reply, elapsed(started)));
        } catch (IOException e) {
            throw networkFailure(Stage.MESSAGE, e);
        }
        if (!reply.isPositive()) {
            throw failure(ExitCode.MESSAGE_REFUSED, reply, "message", reply.wireText());
        }
        Matcher matcher = QUEUE_ID.matcher(reply.text());
        queueId = matcher.find() ? matcher.group(1) : null;
    }

    /** Leaves politely: QUIT and its reply, whatever that is. */
    private void quit() {
        if (connection == null || connection.isClosed() || options.quitAfter() == Stage.CONNECT) {
            return;
        }
        try {
            long started = System.nanoTime();
            Reply reply = connection.command("QUIT");
            stages.add(StageResult.of(Stage.QUIT, "QUIT", reply, elapsed(started)));
        } catch (IOException e) {
            // The server went away first; the send is decided already.
        }
    }

    private void quietQuit(ExitCode why) {
        if (why == ExitCode.CONNECTION_CLOSED || why == ExitCode.REPLY_TIMEOUT || why == ExitCode.TLS_FAILURE) {
            return;
        }
        quit();
    }

    /** A reply that comes without a command: the banner. */
    private Reply expect(Stage stage) throws StageFailure {
        long started = System.nanoTime();
        try {
            Reply reply = connection.readReply();
            stages.add(StageResult.of(stage, null, reply, elapsed(started)));
            return reply;
        } catch (IOException e) {
            throw networkFailure(stage, e);
        }
    }

    private Reply command(Stage stage, String command) throws StageFailure {
        return secretCommand(stage, command, command);
    }

    private Reply secretCommand(Stage stage, String command, String shown) throws StageFailure {
        long started = System.nanoTime();
        try {
            if (command.equals(shown) || options.showSecrets()) {
                connection.sendLine(command);
            } else {
                connection.sendSecretLine(command, shown);
            }
            Reply reply = connection.readReply();
            stages.add(StageResult.of(stage, shown, reply, elapsed(started)));
            return reply;
        } catch (IOException e) {
            throw networkFailure(stage, e);
        }
    }

    private StageFailure networkFailure(Stage stage, IOException e) {
        if (e instanceof SocketTimeoutException) {
            return failure(ExitCode.REPLY_TIMEOUT, null, "replyTimeout", options.replyTimeout().toSeconds(), stage.key());
        }
        if (e instanceof ConnectionClosedException) {
            return failure(ExitCode.CONNECTION_CLOSED, null, "closed", e.getMessage(), stage.key());
        }
        if (e instanceof SmtpProtocolException) {
            return failure(ExitCode.CONNECTION_CLOSED, null, "closed", e.getMessage(), stage.key());
        }
        return failure(ExitCode.CONNECTION_CLOSED, null, "broke", stage.key(), e.getMessage());
    }

    private SendReport report(String result, ExitCode exitCode, String error, String hint) {
        return new SendReport(options.server(), stages, connection == null ? null : connection.tls().orElse(null),
                result, exitCode.code(), error, hint == null || hint.isEmpty() ? null : hint, queueId, rejectedRecipients);
    }

    /** Ends a failed transaction so the connection can carry the next one (load mode). */
    void reset() throws StageFailure {
        command(Stage.MAIL, "RSET");
    }

    boolean isOpen() {
        return connection != null && !connection.isClosed();
    }

    /** Stages so far, for load mode's accounting. */
    List<StageResult> stages() {
        return stages;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
