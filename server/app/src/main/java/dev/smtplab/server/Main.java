package dev.smtplab.server;

import dev.smtplab.server.scenario.IpLiteral;
import dev.smtplab.server.scenario.Presets;
import dev.smtplab.server.scenario.RulesFile;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.Values;
import dev.smtplab.server.tls.TlsMaterial;
import dev.smtplab.server.web.WebServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The server process: {@code java -jar smtplab-server.jar [OPTIONS]}; runs until Ctrl-C. */
@Command(name = "smtplab-server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"A local fake SMTP server that records every session and message.",
                "Every option can also come from the environment: --smtp-port from SMTPLAB_SMTP_PORT, "
                        + "--no-tls from SMTPLAB_NO_TLS=true, several --preset separated by spaces in SMTPLAB_PRESET."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly (Ctrl-C)", "1:could not start (for example, the port is in use)",
                "2:bad command line, preset or rules file"})
public final class Main implements Callable<Integer> {
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_BAD_CONFIGURATION = 2;

    @Option(names = "--smtp-port", paramLabel = "PORT", defaultValue = "2525", converter = PortConverter.class,
            description = "SMTP port to listen on; 0 takes a free one (default: ${DEFAULT-VALUE}).")
    int smtpPort;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", converter = AddressConverter.class,
            description = "IP address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    InetAddress bindAddress;

    @Option(names = "--hostname", paramLabel = "NAME", defaultValue = FakeSmtpServer.DEFAULT_HOST_NAME,
            description = "Name in the greeting and the EHLO reply (default: ${DEFAULT-VALUE}).")
    String hostName;

    @Option(names = "--max-messages", paramLabel = "N", defaultValue = "1000", converter = PositiveConverter.class,
            description = "Messages kept in memory; the oldest go first (default: ${DEFAULT-VALUE}).")
    int maxMessages;

    @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "1000", converter = PositiveConverter.class,
            description = "Sessions kept in memory; the oldest go first (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--max-message-size", paramLabel = "SIZE", defaultValue = "25MB", converter = SizeConverter.class,
            description = "Largest message accepted, in bytes or with KB/MB/GB (default: ${DEFAULT-VALUE}).")
    int maxMessageSize;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "60", converter = PositiveConverter.class,
            description = "Seconds a client may stay silent before 421 and close (default: ${DEFAULT-VALUE}).")
    int idleTimeoutSeconds;

    @Option(names = "--web-port", paramLabel = "PORT", defaultValue = "8025", converter = PortConverter.class,
            description = "Port of the web UI and REST API; 0 takes a free one (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--web-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", converter = AddressConverter.class,
            description = "IP address the web UI listens on (default: ${DEFAULT-VALUE}).")
    InetAddress webBindAddress;

    @Option(names = "--web-auth", paramLabel = "USER:PASSWORD",
            description = "Require HTTP basic auth for the web UI and API (not for /healthz).")
    String webAuth;

    @Option(names = "--no-web", negatable = false, description = "Run the SMTP server only, without the web UI and API.")
    boolean noWeb;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the local CA and server certificate are kept (default: ~/.smtplab).")
    Path dataDir;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Server certificate chain, PEM (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Server private key, PEM (with --tls-cert).")
    Path tlsKey;

    @Option(names = "--tls-pkcs12", paramLabel = "FILE", description = "Server certificate and key in a PKCS#12 file.")
    Path tlsPkcs12;

    @Option(names = "--tls-pkcs12-password", paramLabel = "PASSWORD", defaultValue = "",
            description = "Password of the PKCS#12 file (default: none).")
    String tlsPkcs12Password;

    @Option(names = "--no-tls", negatable = false, description = "No STARTTLS and no implicit TLS.")
    boolean noTls;

    @Option(names = "--smtps-port", paramLabel = "PORT", converter = PortConverter.class,
            description = "Also listen for implicit TLS (SMTPS) on this port; off unless given.")
    Integer smtpsPort;

    @Option(names = "--require-tls", negatable = false,
            description = "Refuse mail commands before STARTTLS (530 5.7.0 Must issue a STARTTLS command first).")
    boolean requireTls;

    @Option(names = "--export-ca", paramLabel = "FILE", description = "Write the local CA certificate (PEM) to FILE.")
    Path exportCa;

    @Option(names = "--auth-user", paramLabel = "USER:PASSWORD", split = "\\s+", splitSynopsisLabel = " ", description = "A user who may log in; repeatable.")
    List<String> authUsers = new ArrayList<>();

    @Option(names = "--auth-users-file", paramLabel = "FILE", description = "Users who may log in, one USER:PASSWORD a line.")
    Path authUsersFile;

    @Option(names = "--auth-accept-any", negatable = false, description = "Any user name and password logs in.")
    boolean authAcceptAny;

    @Option(names = "--require-auth", negatable = false,
            description = "MAIL, RCPT and DATA need a logged-in client (530 5.7.0 Authentication required).")
    boolean requireAuth;

    @Option(names = "--auth-allow-plaintext", negatable = false,
            description = "Offer AUTH before STARTTLS too (normally only over TLS).")
    boolean authAllowPlaintext;

    @Option(names = "--preset", paramLabel = "NAME[:KEY=VALUE;...]", split = "\\s+", splitSynopsisLabel = " ",
            description = "Turn on a failure preset; repeatable. Presets: ${COMPLETION-CANDIDATES}.",
            completionCandidates = PresetNames.class)
    List<String> presets = new ArrayList<>();

    @Option(names = "--rules", paramLabel = "FILE", description = "Failure rules from a YAML file.")
    Path rulesFile;

    @Option(names = "--no-magic-addresses", negatable = false,
            description = "Treat reject-NNN@, tempfail-NNN@ and delay-Ns@ addresses like any other.")
    boolean noMagicAddresses;

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
        return commandLine;
    }

    /** --smtp-port from SMTPLAB_SMTP_PORT, --no-tls from SMTPLAB_NO_TLS=true, and so on (for containers). */
    static final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
        private final Map<String, String> environment;

        EnvironmentDefaults(Map<String, String> environment) {
            this.environment = environment;
        }

        static String variable(String option) {
            return "SMTPLAB_" + option.replaceFirst("^--", "").toUpperCase(Locale.ROOT).replace('-', '_');
        }

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec argument) {
            if (argument instanceof CommandLine.Model.OptionSpec option && option.longestName().startsWith("--")) {
                return environment.get(variable(option.longestName()));
            }
            return null;
        }
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
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (webAuth != null && (webAuth.indexOf(':') < 1 || webAuth.endsWith(":"))) {
            err.println("smtplab-server: --web-auth takes USER:PASSWORD, both not empty");
            err.flush();
            return EXIT_BAD_CONFIGURATION;
        }
        FakeSmtpServer.Builder settings;
        try {
            settings = serverSettings();
        } catch (IllegalArgumentException e) {
            err.println("smtplab-server: " + e.getMessage());
            err.flush();
            return EXIT_BAD_CONFIGURATION;
        }
        FakeSmtpServer server;
        WebServer web = null;
        try {
            server = settings.build().start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("smtplab-server: " + e.getMessage());
            err.flush();
            return EXIT_START_FAILED;
        }
        if (exportCa != null) {
            var ca = server.tls().flatMap(TlsMaterial::caCertificate);
            if (ca.isEmpty()) {
                server.stop();
                err.println("smtplab-server: --export-ca: there is no local CA (TLS is off or uses your own certificate)");
                err.flush();
                return EXIT_BAD_CONFIGURATION;
            }
            try {
                java.nio.file.Files.writeString(exportCa, TlsMaterial.pem(ca.get()));
            } catch (java.io.IOException e) {
                server.stop();
                err.println("smtplab-server: --export-ca " + exportCa + ": " + e.getMessage());
                err.flush();
                return EXIT_START_FAILED;
            }
        }
        if (!noWeb) {
            try {
                web = new WebServer(server, webBindAddress, webPort, webAuth).start();
            } catch (IllegalStateException e) {
                server.stop();
                err.println("smtplab-server: " + e.getMessage());
                err.flush();
                return EXIT_START_FAILED;
            }
        }
        WebServer startedWeb = web;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (startedWeb != null) {
                startedWeb.stop();
            }
            server.stop();
            out.println("SMTP Lab stopped (" + server.messages().size() + " message(s) recorded)");
            out.flush();
            stopped.countDown();
        }, "smtplab-shutdown"));
        out.println("SMTP Lab listening on smtp://" + hostPort(server) + " as " + hostName
                + " (Ctrl-C to stop)");
        if (server.implicitTlsPort() >= 0) {
            out.println("implicit TLS (SMTPS) on smtps://" + hostPort(server).replaceFirst(":\\d+$", "") + ":"
                    + server.implicitTlsPort());
        }
        if (exportCa != null) {
            out.println("local CA certificate written to " + exportCa);
        }
        if (web != null) {
            String host = webBindAddress.getHostAddress();
            out.println("web UI and API on http://" + hostPort(host, web.port())
                    + (webAuth != null ? " (basic auth)" : ""));
        }
        Scenario scenario = server.scenario();
        if (!scenario.presets().isEmpty() || !scenario.rules().isEmpty()) {
            out.println("failure presets: " + (scenario.presets().isEmpty() ? "none" : String.join(", ", scenario.presets()))
                    + "; rules: " + scenario.rules().size() + "; port: " + scenario.connectionMode().key());
        }
        out.flush();
        stopped.await();
        return 0;
    }

    /** The server the command line describes; a bad preset or rules file throws with a message that names it. */
    FakeSmtpServer.Builder serverSettings() {
        Scenario.Builder scenario = rulesFile == null ? Scenario.builder() : RulesFile.read(rulesFile).toBuilder();
        presets.forEach(scenario::preset);
        if (noMagicAddresses) {
            scenario.magicAddresses(false);
        }
        FakeSmtpServer.Builder builder = FakeSmtpServer.builder();
        TlsMaterial tls = tlsMaterial();
        if (tls != null) {
            builder.tls(tls);
            if (smtpsPort != null) {
                builder.implicitTlsPort(smtpsPort);
            }
        } else if (smtpsPort != null || requireTls) {
            throw new IllegalArgumentException("--smtps-port and --require-tls need TLS, which --no-tls turned off");
        }
        if (requireTls) {
            builder.requireTls();
        }
        for (String user : users()) {
            int colon = user.indexOf(':');
            builder.authUser(user.substring(0, colon), user.substring(colon + 1));
        }
        if (authAcceptAny) {
            builder.authAcceptAny();
        }
        if (requireAuth) {
            if (authUsers.isEmpty() && authUsersFile == null && !authAcceptAny) {
                throw new IllegalArgumentException("--require-auth needs --auth-user, --auth-users-file or --auth-accept-any");
            }
            builder.requireAuth();
        }
        if (authAllowPlaintext) {
            builder.allowPlaintextAuth();
        }
        return builder
                .scenario(scenario.build())
                .port(smtpPort)
                .bindAddress(bindAddress)
                .hostName(hostName)
                .maxMessages(maxMessages)
                .maxSessions(maxSessions)
                .maxMessageSize(maxMessageSize)
                .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds));
    }

    /** The certificate: the user's (PEM or PKCS#12), else the local CA's in the data folder, unless --no-tls. */
    TlsMaterial tlsMaterial() {
        if (noTls) {
            return null;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (tlsCert != null) {
            return TlsMaterial.fromPem(tlsCert, tlsKey);
        }
        if (tlsPkcs12 != null) {
            return TlsMaterial.fromPkcs12(tlsPkcs12, tlsPkcs12Password.toCharArray());
        }
        Path folder = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".smtplab");
        return TlsMaterial.localCa(folder, hostName);
    }

    private List<String> users() {
        List<String> all = new ArrayList<>(authUsers);
        if (authUsersFile != null) {
            try {
                for (String line : java.nio.file.Files.readAllLines(authUsersFile)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        all.add(line.trim());
                    }
                }
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--auth-users-file " + authUsersFile + ": cannot read it: " + e.getMessage());
            }
        }
        for (String user : all) {
            int colon = user.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("auth user \"" + user + "\" is not USER:PASSWORD");
            }
        }
        return all;
    }

    private static String hostPort(FakeSmtpServer server) {
        return hostPort(server.host(), server.port());
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

    static final class PresetNames extends ArrayList<String> {
        PresetNames() {
            super(Presets.DESCRIPTIONS.keySet());
        }
    }

    static final class PortConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int port = parseInt(value, "a port");
            if (port < 0 || port > 65535) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a port: use 0 to 65535");
            }
            return port;
        }
    }

    static final class PositiveConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int number = parseInt(value, "a whole number");
            if (number < 1) {
                throw new CommandLine.TypeConversionException("'" + value + "' must be 1 or more");
            }
            return number;
        }
    }

    /** Bytes, or a number with KB, MB or GB (powers of 1024). */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long bytes;
            try {
                bytes = Values.parseSize(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage().replace('"', '\''));
            }
            if (bytes < 1 || bytes > FakeSmtpServer.MAX_MESSAGE_SIZE_LIMIT) {
                throw new CommandLine.TypeConversionException("'" + value + "' is out of range: use 1 byte to 2047MB");
            }
            return (int) bytes;
        }
    }

    /** An IP literal only: a name would need DNS, which the server never asks. */
    static final class AddressConverter implements CommandLine.ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            if (value.equalsIgnoreCase("localhost")) {
                return InetAddress.getLoopbackAddress();
            }
            try {
                return IpLiteral.address(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not an IP address: use one such as 127.0.0.1, 0.0.0.0 or ::1");
            }
        }
    }

    private static int parseInt(String value, String what) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not " + what);
        }
    }
}
