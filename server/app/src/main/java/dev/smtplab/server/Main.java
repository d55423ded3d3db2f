package dev.smtplab.server;

import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.scenario.Personality;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.store.SqliteMessageStore;
import dev.smtplab.server.web.WebServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** The server process: {@code java -jar smtplab-server.jar [OPTIONS]}; runs until Ctrl-C. */
@Command(name = "smtplab-server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"A local fake SMTP server that records every session and message.",
                "Every option can also come from the environment: --smtp-port from SMTPLAB_SMTP_PORT, "
                        + "--no-tls from SMTPLAB_NO_TLS=true, several --preset separated by spaces in SMTPLAB_PRESET."},
        exitCodeListHeading = "%nExit codes:%n")
public final class Main implements Callable<Integer> {

    @Mixin
    InboxOptions inboxes;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", converter = OptionConverters.AddressConverter.class,
            description = "IP address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    InetAddress bindAddress;

    @Option(names = "--hostname", paramLabel = "NAME",
            description = "Name in the greeting and the EHLO reply (default: " + FakeSmtpServer.DEFAULT_HOST_NAME
                    + ", or with --replay the recorded server's).")
    String hostName;

    /** --hostname, else the recorded server's with --replay, else localhost. */
    String hostName() {
        if (hostName != null) {
            return hostName;
        }
        if (failures.replayFile != null) {
            String recorded = failures.contents().scenario().personality().map(Personality::hostName).orElse(null);
            if (recorded != null) {
                return recorded;
            }
        }
        return FakeSmtpServer.DEFAULT_HOST_NAME;
    }

    @Option(names = "--max-messages", paramLabel = "N", defaultValue = "1000", converter = OptionConverters.PositiveConverter.class,
            description = "Messages kept in memory; the oldest go first (default: ${DEFAULT-VALUE}).")
    int maxMessages;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "1000", converter = OptionConverters.PositiveConverter.class,
            description = "Sessions kept in memory; the oldest go first (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--max-store-size", paramLabel = "SIZE", defaultValue = "256MB",
            converter = OptionConverters.MemorySizeConverter.class,
            description = "Message content kept in memory in all; the oldest messages go first (default: "
                    + "${DEFAULT-VALUE}).")
    long maxStoreBytes;

    @Option(names = "--max-age", paramLabel = "AGE", converter = OptionConverters.AgeConverter.class,
            description = "Messages received longer ago than this go, such as 7d or 12h (default: kept until "
                    + "the other limits).")
    Duration maxAge;

    @Option(names = "--max-message-size", paramLabel = "SIZE", defaultValue = "25MB", converter = OptionConverters.SizeConverter.class,
            description = "Largest message accepted, in bytes or with KB/MB/GB (default: ${DEFAULT-VALUE}).")
    int maxMessageSize;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300", converter = OptionConverters.PositiveConverter.class,
            description = "Seconds a client may stay silent before 421 and close (default: ${DEFAULT-VALUE}).")
    int idleTimeoutSeconds;

    @Option(names = "--store", paramLabel = "sqlite[:FILE]|memory|postgresql://...", defaultValue = "sqlite",
            description = "Where messages and sessions are kept: an SQLite file that outlives restarts and crashes "
                    + "(sqlite alone: smtplab.db in --data-dir), memory (lost at exit), or a PostgreSQL database "
                    + "that several SMTP Lab instances share (postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE). "
                    + "The --max-* limits apply to all (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--lenient", negatable = false,
            description = "Accept what a real server refuses (a path without '>', unknown MAIL parameters, an "
                    + "unqualified sender, ...), as a plain mail catcher does. Without it, malformed commands get "
                    + "Postfix's replies.")
    boolean lenient;

    /** For the launcher's class-data-sharing archive: a start whose classes are recorded, then an exit. */
    @Option(names = "--exit-after-start", hidden = true)
    boolean exitAfterStart;

    @Mixin
    LimitsOptions limits;

    @Mixin
    WebOptions web;

    @Mixin
    TlsOptions tls;

    @Mixin
    AuthOptions auth;

    @Mixin
    FailureOptions failures;

    @Mixin
    WebhookOptions webhookOptions;

    @Option(names = "--bounce-relay", paramLabel = "HOST:PORT",
            description = "Also send each delivery status notification (bounce, delay notice, success report) to "
                    + "this SMTP server, your application's bounce handler, from <>; retried while it is down.")
    String bounceRelay;

    /** The server's webhooks: --webhook's endpoints, and those the API adds. */
    private final dev.smtplab.server.webhook.Webhooks webhooks = new dev.smtplab.server.webhook.Webhooks(
            dev.smtplab.server.webhook.Webhooks.Settings.DEFAULT, java.time.Clock.systemUTC());

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line, with every option's default also settable as SMTPLAB_OPTION_NAME in the environment. */
    static CommandLine commandLine(Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(environment));
        commandLine.setParameterExceptionHandler(Main::oneLineUsageError);
        commandLine.setExecutionExceptionHandler(Main::oneLineFailure);
        Map<String, String> exits = new LinkedHashMap<>();
        for (ServerExit exit : ServerExit.values()) {
            exits.put(Integer.toString(exit.code), exit.meaning);
        }
        commandLine.getCommandSpec().usageMessage().exitCodeList(exits);
        return commandLine;
    }

    /** The one place that turns a failure into its line and exit code. */
    private static int oneLineFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed)
            throws Exception {
        ServerExit exit;
        if (e instanceof ServerExit.Failure failure) {
            exit = failure.exit;
        } else if (e instanceof IllegalArgumentException) {
            exit = ServerExit.BAD_CONFIGURATION;
        } else {
            throw e;
        }
        commandLine.getErr().println("smtplab-server: " + e.getMessage());
        commandLine.getErr().flush();
        return exit.code;
    }

    /** A bad flag gets one line that names it, not the whole usage text. */
    private static int oneLineUsageError(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage()
                + " (see " + commandLine.getCommandName() + " --help)");
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public Integer call() throws InterruptedException {
        web.validate();
        // The store opens (SQLite's native library, the schema) while the rest is set up: on two
        // cores the first 220 comes sooner.
        CompletableFuture<Optional<MessageStore>> opening = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                opening.complete(openStore());
            } catch (RuntimeException e) {
                opening.completeExceptionally(e);
            }
        }, "smtplab-store-open");
        opener.setDaemon(true);
        opener.start();
        FakeSmtpServer.Builder settings;
        try {
            settings = serverSettings();
        } catch (RuntimeException e) {
            opening.thenAccept(store -> store.ifPresent(Main::closeStore));
            throw e;
        }
        FakeSmtpServer server;
        Optional<MessageStore> opened = Optional.empty();
        try {
            opened = opened(opening);
            opened.ifPresent(settings::store);
            server = settings.build();
            webhookOptions.apply(webhooks);
            server.addListener(webhooks);
            if (server.store() instanceof dev.smtplab.server.store.PostgresMessageStore shared) {
                shared.shareScenario(server.scenarios());
                PrintWriter err = spec.commandLine().getErr();
                shared.onNotice(line -> {
                    err.println("smtplab-server: " + line);
                    err.flush();
                });
            }
            server.start();
        } catch (IllegalArgumentException | IllegalStateException
                 | dev.smtplab.server.record.StoreUnavailableException e) {
            opened.ifPresent(Main::closeStore);
            throw ServerExit.startFailed(e.getMessage());
        }
        WebServer webServer = null;
        try {
            tls.exportCa(server);
            if (!web.noWeb) {
                webServer = new WebServer(server, web.webBindAddress, web.webPort, web.access())
                        .lessonTranscripts(tls.dataFolder().resolve("learn").resolve("transcripts"))
                        .webhooks(webhooks).start();
            }
        } catch (RuntimeException e) {
            server.stop();
            closeStore(server.store());
            throw e instanceof ServerExit.Failure ? e : ServerExit.startFailed(e.getMessage());
        }
        CountDownLatch stopped = stopOnShutdown(server, webServer);
        printStarted(server, webServer);
        String warning = web.exposureWarning();
        if (warning != null) {
            spec.commandLine().getErr().println(warning);
        }
        if (exitAfterStart) {
            return ServerExit.STOPPED.code;
        }
        stopped.await();
        return ServerExit.STOPPED.code;
    }

    private CountDownLatch stopOnShutdown(FakeSmtpServer server, WebServer webServer) {
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (webServer != null) {
                webServer.stop();
            }
            server.stop();
            int kept = server.store().count(MessageQuery.all());
            closeStore(server.store());
            out.println("SMTP Lab stopped (" + kept + " message(s) recorded)");
            out.flush();
            stopped.countDown();
        }, "smtplab-shutdown"));
        return stopped;
    }

    private void printStarted(FakeSmtpServer server, WebServer webServer) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("SMTP Lab listening on smtp://" + hostPort(server.host(), server.port()) + " as " + hostName()
                + " (Ctrl-C to stop)");
        server.inboxPorts().forEach((inbox, port) -> out.println("inbox " + inbox + " on smtp://"
                + hostPort(server.host(), port)));
        if (server.implicitTlsPort() >= 0) {
            out.println("implicit TLS (SMTPS) on smtps://" + hostPort(server.host(), server.implicitTlsPort()));
        }
        if (tls.exportCa != null) {
            out.println("local CA certificate written to " + tls.exportCa);
        }
        if (webServer != null) {
            out.println("web UI and API on http://" + hostPort(web.webBindAddress.getHostAddress(), webServer.port())
                    + (web.webAuth.isEmpty() ? "" : " (basic auth)"));
        }
        if (server.store() instanceof SqliteMessageStore sqlite) {
            out.println("messages kept in " + sqlite.file() + " (" + server.store().count(MessageQuery.all())
                    + " stored; --store memory keeps none)");
            if (!sqlite.journalReport().isEmpty()) {
                out.println("journal: " + sqlite.journalReport());
            }
        }
        if (server.store() instanceof dev.smtplab.server.store.PostgresMessageStore shared) {
            out.println("messages kept in " + shared.location() + " (" + server.store().count(MessageQuery.all())
                    + " stored, shared with every SMTP Lab that uses it)");
        }
        Scenario scenario = server.scenario();
        if (bounceRelay != null) {
            out.println("bounce relay: " + bounceRelay + " (delivery status notifications go there too, from <>)");
        }
        for (var endpoint : webhooks.endpoints()) {
            out.println("webhook: " + endpoint.url() + " (signed with SMTPLab-Signature" + (webhookOptions.secretGenerated()
                    ? ", secret " + webhookOptions.secret() + ", made now: --webhook-secret keeps one)" : ")"));
        }
        scenario.personality().ifPresent(personality -> out.println("personality: " + personality.name()
                + " (the greeting, EHLO and positive replies in its words)"));
        if (failures.replayFile != null && !auth.saysWhoLogsIn()
                && scenario.personality().map(Personality::offersAuth).orElse(false)) {
            out.println("the recording offers AUTH: any user name and password logs in (--auth-user to choose)");
        }
        if (!scenario.presets().isEmpty() || !scenario.rules().isEmpty()) {
            out.println("failure presets: " + (scenario.presets().isEmpty() ? "none" : String.join(", ", scenario.presets()))
                    + "; rules: " + scenario.rules().size() + "; port: " + scenario.connectionMode().key());
        }
        out.flush();
    }

    /** What the opening thread gave: the store, or its failure as thrown by {@link #openStore}. */
    private static Optional<MessageStore> opened(CompletableFuture<Optional<MessageStore>> opening)
            throws InterruptedException {
        try {
            return opening.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The store --store names, opened; empty for memory, which the builder makes itself. */
    Optional<MessageStore> openStore() {
        String kind = store.trim();
        if (kind.equals("memory")) {
            return Optional.empty();
        }
        if (kind.startsWith("postgresql://") || kind.startsWith("postgres://")) {
            return Optional.of(dev.smtplab.server.store.PostgresMessageStore.open(kind, maxMessages, maxSessions,
                    maxStoreBytes, maxAge, java.time.Clock.systemUTC()));
        }
        if (kind.equals("sqlite") || kind.startsWith("sqlite:")) {
            String file = kind.length() > "sqlite:".length() ? kind.substring("sqlite:".length()) : "";
            Path path = file.isEmpty() ? tls.dataFolder().resolve("smtplab.db") : Path.of(file);
            return Optional.of(SqliteMessageStore.open(path, maxMessages, maxSessions, maxStoreBytes, maxAge,
                    java.time.Clock.systemUTC()));
        }
        throw new IllegalArgumentException("--store " + store + ": use sqlite, sqlite:FILE, memory or "
                + "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE");
    }

    private static void closeStore(Object store) {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // Stopping anyway.
            }
        }
    }

    /** The server the command line describes; a bad value throws with a message that names it. */
    FakeSmtpServer.Builder serverSettings() {
        FakeSmtpServer.Builder builder = FakeSmtpServer.builder();
        Scenario scenario = failures.scenario();
        if (lenient) {
            if (scenario.personality().isPresent()) {
                throw new IllegalArgumentException("--lenient keeps SubEthaSMTP's words, so it does not go with a "
                        + "personality (--personality, or personality: in the rules file)");
            }
            builder.lenient();
        }
        limits.apply(builder);
        tls.apply(builder, hostName());
        auth.apply(builder);

        Set<String> inboxNames = inboxes.apply(builder, failures.contents());
        web.checkInboxes(inboxNames);
        if (failures.replayFile != null) {
            scenario.personality().ifPresent(builder::like);
        }
        if (bounceRelay != null) {
            int colon = bounceRelay.lastIndexOf(':');
            String host = colon < 0 ? "" : bounceRelay.substring(0, colon).replaceAll("^\\[|]$", "");
            String port = colon < 0 ? "" : bounceRelay.substring(colon + 1);
            if (host.isBlank() || !port.matches("\\d{1,5}") || Integer.parseInt(port) < 1
                    || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("--bounce-relay " + bounceRelay + ": give HOST:PORT, such as "
                        + "127.0.0.1:2526");
            }
            builder.bounceRelay(host, Integer.parseInt(port), java.time.Duration.ofSeconds(1));
        }
        return builder
                .scenario(scenario)
                .port(inboxes.mainPort())
                .bindAddress(bindAddress)
                .hostName(hostName())
                .maxMessages(maxMessages)
                .maxSessions(maxSessions)
                .maxStoreBytes(maxStoreBytes)
                .maxAge(maxAge)
                .maxMessageSize(maxMessageSize)
                .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds));
    }

    /** "host:port", with an IPv6 address in brackets. */
    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"smtplab-server " + (version == null ? "(development build)" : version)};
        }
    }
}
