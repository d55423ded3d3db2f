package dev.smtplab.server.scenario;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The scenario in force. Swapping it takes effect from the next SMTP command or connection.
 * Changes and their notifications happen one at a time, in order, so the last scenario a listener
 * hears of is always the one in force (a port is never left in an older scenario's mode).
 */
public final class ScenarioHolder {
    private volatile Scenario current;
    private final List<Consumer<Scenario>> listeners = new CopyOnWriteArrayList<>();

    public ScenarioHolder(Scenario initial) {
        this.current = Objects.requireNonNull(initial);
    }

    public Scenario get() {
        return current;
    }

    public synchronized void set(Scenario scenario) {
        current = Objects.requireNonNull(scenario);
        tell(scenario);
    }

    /** Changes the scenario atomically, such as adding one rule while another thread removes one. */
    public synchronized Scenario update(UnaryOperator<Scenario> change) {
        Scenario updated = Objects.requireNonNull(change.apply(current));
        current = updated;
        tell(updated);
        return updated;
    }

    /** Called with each new scenario, on the thread that set it, while no other change can happen. */
    public void onChange(Consumer<Scenario> listener) {
        listeners.add(listener);
    }

    private void tell(Scenario scenario) {
        listeners.forEach(listener -> listener.accept(scenario));
    }
}
