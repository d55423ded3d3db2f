package dev.smtplab.server;

import picocli.CommandLine;

import java.util.Locale;
import java.util.Map;

/** --smtp-port from SMTPLAB_SMTP_PORT, --no-tls from SMTPLAB_NO_TLS=true, and so on (for containers). */
final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
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
