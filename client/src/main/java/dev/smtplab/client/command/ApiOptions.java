package dev.smtplab.client.command;

import dev.smtplab.client.api.LabApi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** --api and --api-auth: which running SMTP Lab's web API a command talks to. */
final class ApiOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--api", paramLabel = "URL", defaultValue = "http://127.0.0.1:8025",
            description = "The server's web UI (default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--api-auth", paramLabel = "USER:PASSWORD", description = "For a server started with --web-auth.")
    String apiAuth;

    /** The API these options name; a URL that is not one is a usage error. */
    LabApi lab() {
        try {
            return new LabApi(api, apiAuth);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The API's base path: every inbox, or one ("/api/v1/inboxes/NAME"). */
    static String inboxPrefix(String inbox) {
        return inbox == null || inbox.isBlank() ? "/api/v1"
                : "/api/v1/inboxes/" + java.net.URLEncoder.encode(inbox, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
