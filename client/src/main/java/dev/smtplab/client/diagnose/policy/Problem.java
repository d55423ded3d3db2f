package dev.smtplab.client.diagnose.policy;

import dev.smtplab.client.diagnose.Severity;

import java.util.List;

/**
 * One thing wrong (or worth knowing) about a domain's published records, as a text key
 * ({@code diagnose.<key>} in the client's texts) and the values the text names, so that the
 * finding reads in the report's language.
 */
public record Problem(Severity severity, String key, List<String> values) {
    public Problem {
        values = List.copyOf(values);
    }

    public static Problem of(Severity severity, String key, Object... values) {
        return new Problem(severity, key, java.util.Arrays.stream(values).map(String::valueOf).toList());
    }
}
