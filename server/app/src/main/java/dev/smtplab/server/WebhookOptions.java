package dev.smtplab.server;

import dev.smtplab.server.webhook.Webhooks;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** --webhook and --webhook-secret: where events are POSTed, and the secret that signs them. */
final class WebhookOptions {
    @Option(names = "--webhook", paramLabel = "URL",
            description = "POST each event (message received, session ended or refused, rule fired, bounce sent) "
                    + "as signed JSON to this URL; repeatable.")
    List<String> urls = new ArrayList<>();

    @Option(names = "--webhook-secret", paramLabel = "SECRET",
            description = "Sign webhooks with this secret, 16 characters or more (default: one made at start and "
                    + "printed).")
    String secret;

    private boolean generated;

    /** True when no --webhook-secret was given and one was made, to be printed once. */
    boolean secretGenerated() {
        return generated;
    }

    /** The secret given, or a new random one. */
    String secret() {
        if (secret == null) {
            generated = true;
            secret = Webhooks.newSecret();
        }
        return secret;
    }

    /** Adds the endpoints given; a bad URL or secret throws, naming it. */
    void apply(Webhooks webhooks) {
        for (String url : urls) {
            webhooks.add(url, secret());
        }
    }
}
