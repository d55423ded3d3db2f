package dev.smtplab.client.command;

import dev.smtplab.client.api.LabApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** smtplab export: a running server's messages as an mbox or a zip of .eml files. */
@Command(name = "export", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Save the messages of a running SMTP Lab server (all, or those the filters find), oldest first, "
                + "as an mbox or a zip of .eml files.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:saved", "1:usage error, or the file cannot be written", "2:the API did not answer",
                "30:the API answered an error"})
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @Option(names = "--format", paramLabel = "mbox|zip", defaultValue = "mbox", description = "An mbox, or a zip of .eml files (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to save (default: standard output).")
    Path output;

    @Option(names = "--from", paramLabel = "TEXT", description = "Only messages whose envelope sender contains this.")
    String from;

    @Option(names = "--to", paramLabel = "TEXT", description = "Only messages with a recipient that contains this.")
    String to;

    @Option(names = "--subject", paramLabel = "TEXT", description = "Only messages whose subject contains this.")
    String subject;

    @Option(names = "--search", paramLabel = "WORDS", description = "Only messages the server's search finds.")
    String search;

    @Option(names = "--inbox", paramLabel = "NAME", description = "Only messages in this inbox (default: every inbox).")
    String inbox;

    @Override
    public Integer call() throws IOException {
        String chosen = format.toLowerCase(Locale.ROOT);
        if (!chosen.equals("mbox") && !chosen.equals("zip")) {
            throw new ParameterException(spec.commandLine(), "--format " + format + ": use mbox or zip");
        }
        LabApi lab = api.lab();
        StringBuilder query = new StringBuilder(ApiOptions.inboxPrefix(inbox) + "/messages/export?format=" + chosen);
        append(query, "from", from);
        append(query, "to", to);
        append(query, "subject", subject);
        append(query, "q", search);
        byte[] archive;
        try {
            archive = lab.get(query.toString());
        } catch (LabApi.Failure failure) {
            spec.commandLine().getErr().println("smtplab export: " + failure.getMessage());
            return failure.unreachable() ? 2 : 30;
        }
        if (output == null) {
            System.out.write(archive);
            System.out.flush();
            return 0;
        }
        try {
            Files.write(output, archive);
        } catch (IOException e) {
            spec.commandLine().getErr().println("smtplab export: cannot write " + output + ": " + e.getMessage());
            return 1;
        }
        spec.commandLine().getErr().println("saved " + archive.length + " bytes to " + output);
        return 0;
    }

    private static void append(StringBuilder query, String name, String value) {
        if (value != null && !value.isBlank()) {
            query.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
