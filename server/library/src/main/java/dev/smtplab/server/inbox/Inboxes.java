package dev.smtplab.server.inbox;

import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.ScenarioHolder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The server's named inboxes and how mail is routed into them. A message lands in exactly one
 * inbox: the one of the listener it came through when that listener has one
 * ({@code --smtp-port NAME=PORT}); else the first inbox, in the order defined, with a route that
 * takes the logged-in user or one of the accepted recipients; else {@link #DEFAULT}.
 *
 * <p>An inbox may have a failure scenario of its own; sessions routed to it follow that one (from
 * the connection on, for a listener of its own; from AUTH, or per recipient at RCPT, otherwise).
 */
public final class Inboxes {
    /** Where mail that no route takes goes. It always exists and cannot be removed. */
    public static final String DEFAULT = "default";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final ScenarioHolder serverScenarios;
    /** In definition order; replaced whole on every change, so routing reads a consistent list. */
    private volatile List<Definition> defined = List.of();
    private final Map<String, ScenarioHolder> ownScenarios = new ConcurrentHashMap<>();
    private final List<Runnable> scenarioListeners = new CopyOnWriteArrayList<>();

    private record Definition(String name, List<InboxRoute> routes) {
    }

    public Inboxes(ScenarioHolder serverScenarios) {
        this.serverScenarios = Objects.requireNonNull(serverScenarios, "serverScenarios");
        serverScenarios.onChange(scenario -> tellScenarioChanged());
    }

    /**
     * Checks an inbox name: letters, digits, '.', '_' and '-', at most 64, starting with a letter or digit.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("inbox name \"" + name + "\": use letters, digits, '.', '_' and '-' "
                    + "(at most 64, starting with a letter or digit)");
        }
        return name;
    }

    /** Every inbox defined, in routing order; {@link #DEFAULT} first. */
    public List<Inbox> list() {
        List<Inbox> inboxes = new ArrayList<>();
        inboxes.add(new Inbox(DEFAULT, List.of(), ownScenario(DEFAULT)));
        for (Definition definition : defined) {
            inboxes.add(new Inbox(definition.name, definition.routes, ownScenario(definition.name)));
        }
        return inboxes;
    }

    public Optional<Inbox> get(String name) {
        return list().stream().filter(inbox -> inbox.name().equals(name)).findFirst();
    }

    /** True for {@link #DEFAULT} and every inbox defined. */
    public boolean exists(String name) {
        return DEFAULT.equals(name) || defined.stream().anyMatch(definition -> definition.name.equals(name));
    }

    /**
     * Defines an inbox, or replaces the routes of one already defined (which keeps its place in the
     * routing order and its scenario). An inbox without routes takes mail only from a listener of its own.
     */
    public synchronized void define(String name, List<InboxRoute> routes) {
        checkName(name);
        if (DEFAULT.equals(name) && !routes.isEmpty()) {
            throw new IllegalArgumentException("inbox \"default\" takes the mail no route takes; it has no routes "
                    + "of its own");
        }
        if (DEFAULT.equals(name)) {
            return;
        }
        List<Definition> updated = new ArrayList<>(defined);
        Definition definition = new Definition(name, List.copyOf(routes));
        int at = indexOf(updated, name);
        if (at >= 0) {
            updated.set(at, definition);
        } else {
            updated.add(definition);
        }
        defined = List.copyOf(updated);
    }

    /** Defines an inbox with its own scenario (see {@link #define}). */
    public synchronized void define(Inbox inbox) {
        define(inbox.name(), inbox.routes());
        inbox.scenario().ifPresent(scenario -> ownScenarios(inbox.name()).set(scenario));
    }

    /**
     * Removes an inbox's routes and its own scenario; its messages stay where they are.
     *
     * @return false when there was no such inbox
     * @throws IllegalArgumentException for {@link #DEFAULT}
     */
    public synchronized boolean remove(String name) {
        if (DEFAULT.equals(name)) {
            throw new IllegalArgumentException("inbox \"default\" cannot be removed");
        }
        List<Definition> updated = new ArrayList<>(defined);
        int at = indexOf(updated, name);
        if (at < 0) {
            return false;
        }
        updated.remove(at);
        defined = List.copyOf(updated);
        if (ownScenarios.remove(name) != null) {
            tellScenarioChanged();
        }
        return true;
    }

    private static int indexOf(List<Definition> definitions, String name) {
        for (int i = 0; i < definitions.size(); i++) {
            if (definitions.get(i).name.equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The inbox a message goes to.
     *
     * @param listenerInbox the inbox of the listener it came through, or null for the main ones
     * @param authUser      the user the client logged in as, or null
     * @param recipients    the accepted recipients
     */
    public String route(String listenerInbox, String authUser, Collection<String> recipients) {
        if (listenerInbox != null) {
            return listenerInbox;
        }
        for (Definition definition : defined) {
            for (InboxRoute route : definition.routes) {
                if (route.kind() == InboxRoute.Kind.AUTH ? route.matches(authUser)
                        : recipients.stream().anyMatch(route::matches)) {
                    return definition.name;
                }
            }
        }
        return DEFAULT;
    }

    /** The scenario in force for an inbox: its own, or the server's. */
    public ScenarioHolder scenariosFor(String inbox) {
        ScenarioHolder own = inbox == null ? null : ownScenarios.get(inbox);
        return own != null ? own : serverScenarios;
    }

    /** The server's scenario, which every inbox without its own follows. */
    public ScenarioHolder serverScenarios() {
        return serverScenarios;
    }

    /**
     * The inbox's own scenario holder, made the first time it is asked for, starting as a copy of
     * the server's scenario: from then on the inbox no longer follows the server's.
     *
     * @throws IllegalArgumentException when no such inbox exists
     */
    public ScenarioHolder ownScenarios(String inbox) {
        if (!exists(inbox)) {
            throw new IllegalArgumentException("no inbox \"" + inbox + "\"");
        }
        ScenarioHolder existing = ownScenarios.get(inbox);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            existing = ownScenarios.get(inbox);
            if (existing != null) {
                return existing;
            }
            ScenarioHolder holder = new ScenarioHolder(serverScenarios.get());
            holder.onChange(scenario -> tellScenarioChanged());
            ownScenarios.put(inbox, holder);
            tellScenarioChanged();
            return holder;
        }
    }

    /** Makes the inbox follow the server's scenario again; false if it had none of its own. */
    public boolean followServer(String inbox) {
        boolean had = ownScenarios.remove(inbox) != null;
        if (had) {
            tellScenarioChanged();
        }
        return had;
    }

    private Optional<Scenario> ownScenario(String name) {
        return Optional.ofNullable(ownScenarios.get(name)).map(ScenarioHolder::get);
    }

    /** Called after any scenario changes, the server's or an inbox's (ports follow their inbox's mode). */
    public void onScenarioChange(Runnable listener) {
        scenarioListeners.add(listener);
    }

    private void tellScenarioChanged() {
        scenarioListeners.forEach(Runnable::run);
    }
}
