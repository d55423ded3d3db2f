package dev.smtplab.client.command;

import dev.smtplab.client.protocol.TlsSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Options every command that connects shares: timeouts and certificate checking. */
public final class ConnectionOptions {
    @Option(names = "--timeout-connect", paramLabel = "SECONDS", defaultValue = "10",
            description = "Give up connecting after this long (default: ${DEFAULT-VALUE} s).")
    int connectTimeoutSeconds;

    @Option(names = "--timeout-reply", paramLabel = "SECONDS", defaultValue = "30",
            description = "Give up waiting for a reply after this long (default: ${DEFAULT-VALUE} s).")
    int replyTimeoutSeconds;

    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "Trust the CA certificates in this PEM file instead of the system's.")
    Path caFile;

    @Option(names = "--insecure", description = "Do not check the server's certificate or host name.")
    boolean insecure;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:SMTPLAB_DATA_DIR}",
            description = "The SMTP Lab server's data folder, whose local CA (ca.pem) is trusted besides the "
                    + "system's (default: ~/.smtplab).")
    Path dataDir;

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
        Path folder = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".smtplab");
        return new TlsSettings(caFile, insecure, TlsSettings.localCaIn(folder));
    }
}
