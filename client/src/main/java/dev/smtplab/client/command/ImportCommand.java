package dev.smtplab.client.command;

import dev.smtplab.client.api.LabApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** smtplab import: .eml files and mboxes into a running server, to look at or send again. */
@Command(name = "import", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Load .eml files and mboxes into a running SMTP Lab server (an mbox is told by its first line, "
                + "\"From \"). Each file is all or nothing. Then look at the mail in the web UI, or send it again "
                + "with smtplab send --data FILE.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every file imported", "1:usage error, or a file cannot be read", "2:the API did not answer",
                "30:the API refused a file (the message says which and why)"})
public final class ImportCommand implements Callable<Integer> {
    private static final Pattern IDS = Pattern.compile("\"ids\"\\s*:\\s*\\[([^\\]]*)]");

    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions api;

    @picocli.CommandLine.Option(names = "--inbox", paramLabel = "NAME",
            description = "Put the messages in this inbox (default: where their recipients route them).")
    String inbox;

    @Parameters(paramLabel = "FILE", arity = "1..*", descriptionKey = "files", description = ".eml files and mboxes")
    List<Path> files;

    @Override
    public Integer call() {
        LabApi lab = api.lab();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Path file : files) {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                err.println("smtplab import: cannot read " + file + ": " + e.getMessage());
                return 1;
            }
            boolean mbox = new String(content, 0, Math.min(5, content.length), StandardCharsets.US_ASCII).equals("From ");
            try {
                byte[] answer = lab.post(ApiOptions.inboxPrefix(inbox) + "/messages/import", mbox ? "application/mbox" : "message/rfc822", content);
                Matcher ids = IDS.matcher(new String(answer, StandardCharsets.UTF_8));
                String list = ids.find() ? ids.group(1).replace("\"", "").replace(",", ", ") : "";
                out.println("imported " + file + " (" + (mbox ? "mbox" : ".eml") + "): message id " + list);
            } catch (LabApi.Failure failure) {
                err.println("smtplab import: " + file + ": " + failure.getMessage());
                return failure.unreachable() ? 2 : 30;
            }
        }
        out.flush();
        return 0;
    }
}
