package dev.smtplab.client;

import dev.smtplab.client.command.CodeOptions;
import dev.smtplab.client.command.DiagnoseCommand;
import dev.smtplab.client.command.ExportCommand;
import dev.smtplab.client.command.ImportCommand;
import dev.smtplab.client.command.LearnCommand;
import dev.smtplab.client.command.MxCommand;
import dev.smtplab.client.command.RecordCommand;
import dev.smtplab.client.command.SendCommand;
import dev.smtplab.client.command.SessionCommand;
import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Utf8Output;
import dev.smtplab.client.protocol.AuthMechanism;
import dev.smtplab.client.send.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * smtplab: the SMTP client. The root command is declared in code, as send is ({@link CodeOptions}):
 * the first annotation picocli reads costs 10 ms of proxy generation, which send no longer pays.
 */
public final class Main implements Runnable {
    /** The Japanese --help (picocli's resource bundle; the English is in the commands). */
    static final String HELP = "dev.smtplab.client.i18n.Help";
    /** The subcommands, in the order the help lists them: each a new command object or spec. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("session", SessionCommand::new);
        commands.put("learn", LearnCommand::new);
        commands.put("send", () -> SendCommand.spec(new Version()));
        commands.put("diagnose", DiagnoseCommand::new);
        commands.put("mx", MxCommand::new);
        commands.put("record", RecordCommand::new);
        commands.put("export", ExportCommand::new);
        commands.put("import", ImportCommand::new);
        commands.put("help", CommandLine.HelpCommand::new);
        return commands;
    }

    private CommandSpec spec;

    public static void main(String[] args) {
        Utf8Output.apply();
        System.exit(commandLine(args).execute(args));
    }

    /** The command line with every subcommand, one-line usage errors (exit 1) and one-line failures. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for these arguments: only the subcommand they name, when they name one, since
     * picocli reads each subcommand's annotations when it is added (a quarter of a send's start).
     */
    public static CommandLine commandLine(String[] args) {
        Main main = new Main();
        main.spec = CodeOptions.command(main, "smtplab", new Version(),
                "An SMTP client for typing the dialogue by hand, sending, and diagnosing.");
        CodeOptions.addStandardHelp(main.spec);
        CommandLine commandLine = new CommandLine(main.spec);
        String named = args.length > 0 ? args[0] : null;
        boolean one = named != null && SUBCOMMANDS.containsKey(named) && !named.equals("help");
        for (Map.Entry<String, Supplier<Object>> subcommand : SUBCOMMANDS.entrySet()) {
            if (!one || subcommand.getKey().equals(named)) {
                CommandLine added = new CommandLine(subcommand.getValue().get());
                if (added.getCommand() instanceof CodeOptions.Holder holder) {
                    holder.addCodeOptions(added.getCommandSpec());
                }
                commandLine.addSubcommand(subcommand.getKey(), added);
            }
        }
        // "--body @report.txt" is the body's own syntax, not a file of arguments for picocli to expand.
        commandLine.setExpandAtFiles(false);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.registerConverter(AuthMechanism.class, Main::authMechanism);
        CommandLine send = commandLine.getSubcommands().get("send");
        if (send != null) {
            send.getCommandSpec().usageMessage().exitCodeList(exitCodes());
        }
        if (helpLanguage(args) == Language.JAPANESE) {
            // Read only in Japanese: the bundle costs milliseconds an English start need not spend.
            commandLine.setResourceBundle(ResourceBundle.getBundle(HELP, Locale.JAPANESE,
                    ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)));
        }
        commandLine.setParameterExceptionHandler(Main::oneLineUsageError);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("smtplab " + cmd.getCommandName() + ": " + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName()) + " (SMTPLAB_DEBUG=1 shows where)");
            if (System.getenv("SMTPLAB_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return 1;
        });
        return commandLine;
    }

    /** The language of --help: the --lang the arguments give, else the environment's; English when unsure. */
    static Language helpLanguage(String[] args) {
        String flag = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--lang") && i + 1 < args.length) {
                flag = args[i + 1];
            } else if (args[i].startsWith("--lang=")) {
                flag = args[i].substring("--lang=".length());
            }
        }
        try {
            return Language.choose(flag, System.getenv());
        } catch (IllegalArgumentException e) {
            return Language.ENGLISH; // the command itself says what is wrong with --lang
        }
    }

    private static AuthMechanism authMechanism(String value) {
        return AuthMechanism.ofWireName(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "'" + value + "' is not a mechanism this client speaks: use plain, login or cram-md5"));
    }

    /** The send command's exit codes, from the one list that defines them. */
    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            // Padded by hand: String.format would load the locale data, 10 ms of every send's start.
            codes.put((code.code() < 10 ? " " : "") + code.code(), code.meaning());
        }
        return codes;
    }

    private static int oneLineUsageError(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        String name = commandLine.getCommandSpec().qualifiedName();
        commandLine.getErr().println(name + ": " + e.getMessage() + " (see " + name + " --help)");
        commandLine.getErr().flush();
        return 1;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"smtplab " + (version == null ? "(development build)" : version)};
        }
    }
}
