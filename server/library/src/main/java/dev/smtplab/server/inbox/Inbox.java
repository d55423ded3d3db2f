package dev.smtplab.server.inbox;

import dev.smtplab.server.scenario.Scenario;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A named inbox as configured: the routes that bring mail into it, and its own failure scenario
 * if it has one (without, it follows the server's).
 */
public record Inbox(String name, List<InboxRoute> routes, Optional<Scenario> scenario) {
    public Inbox {
        Inboxes.checkName(name);
        routes = List.copyOf(routes);
        Objects.requireNonNull(scenario, "scenario");
    }

    /** An inbox that follows the server's scenario. */
    public Inbox(String name, List<InboxRoute> routes) {
        this(name, routes, Optional.empty());
    }
}
