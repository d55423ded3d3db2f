package dev.smtplab.client.command;

import dev.smtplab.client.protocol.TlsSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Options every command that connects shares: timeouts and certificate checking. */
public final class ConnectionOptions {
    private int connectTimeoutSeconds;
    private int replyTimeoutSeconds;
    private Path caFile;
    private boolean insecure;
    private Path dataDir;

    /** Adds the options to the command (declared in code: see {@link CodeOptions}). */
    void addTo(CommandSpec command) {
        command.addOption(CodeOptions.value("--timeout-connect", int.class, "SECONDS",
                "Give up connecting after this long (default: ${DEFAULT-VALUE} s).",
                () -> connectTimeoutSeconds, value -> connectTimeoutSeconds = value).defaultValue("10").build());
        command.addOption(CodeOptions.value("--timeout-reply", int.class, "SECONDS",
                "Give up waiting for a reply after this long (default: ${DEFAULT-VALUE} s).",
                () -> replyTimeoutSeconds, value -> replyTimeoutSeconds = value).defaultValue("30").build());
        command.addOption(CodeOptions.value("--ca-file", Path.class, "FILE",
                "Trust the CA certificates in this PEM file instead of the system's.",
                () -> caFile, value -> caFile = value).build());
        command.addOption(CodeOptions.flag("--insecure", "Do not check the server's certificate or host name.",
                () -> insecure, value -> insecure = value).build());
        command.addOption(CodeOptions.value("--data-dir", Path.class, "DIR", "The SMTP Lab server's data folder, whose "
                        + "local CA (ca.pem) is trusted besides the system's (default: ~/.smtplab).",
                () -> dataDir, value -> dataDir = value).defaultValue("${env:SMTPLAB_DATA_DIR}").build());
    }

    Duration connectTimeout() {
        return Duration.ofSeconds(connectTimeoutSeconds);
    }

    Duration replyTimeout() {
        return Duration.ofSeconds(replyTimeoutSeconds);
    }

    /** Checks the values; a bad one is a usage error that names the option. */
    void validate(CommandSpec command) {
        if (connectTimeoutSeconds < 1 || replyTimeoutSeconds < 1) {
            throw new ParameterException(command.commandLine(),
                    "--timeout-connect and --timeout-reply must be 1 second or more");
        }
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new ParameterException(command.commandLine(), "--ca-file " + caFile + ": no such readable file");
        }
    }

    TlsSettings tlsSettings() {
        return new TlsSettings(caFile, insecure, TlsSettings.localCaIn(dataFolder()));
    }

    /** The SMTP Lab server's data folder: --data-dir, else ~/.smtplab. */
    Path dataFolder() {
        return dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".smtplab");
    }
}
