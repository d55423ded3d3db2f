package dev.smtplab.client;

import dev.smtplab.client.command.DiagnoseCommand;
import dev.smtplab.client.command.ExportCommand;
import dev.smtplab.client.command.ImportCommand;
import dev.smtplab.client.command.MxCommand;
import dev.smtplab.client.command.SendCommand;
import dev.smtplab.client.command.SessionCommand;
import dev.smtplab.client.protocol.AuthMechanism;
import dev.smtplab.client.send.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

import java.util.LinkedHashMap;
import java.util.Map;

/** smtplab: the SMTP client. */
@Command(name = "smtplab", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An SMTP client for typing the dialogue by hand, sending, and diagnosing.",
        subcommands = {SessionCommand.class, SendCommand.class, DiagnoseCommand.class, MxCommand.class,
                ExportCommand.class, ImportCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with one-line usage errors (exit 1) and one-line failures. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        // "--body @report.txt" is the body's own syntax, not a file of arguments for picocli to expand.
        commandLine.setExpandAtFiles(false);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.registerConverter(AuthMechanism.class, Main::authMechanism);
        commandLine.getSubcommands().get("send").getCommandSpec().usageMessage().exitCodeList(exitCodes());
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

    private static AuthMechanism authMechanism(String value) {
        return AuthMechanism.ofWireName(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                "'" + value + "' is not a mechanism this client speaks: use plain, login or cram-md5"));
    }

    /** The send command's exit codes, from the one list that defines them. */
    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            codes.put(String.format("%2d", code.code()), code.meaning());
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
