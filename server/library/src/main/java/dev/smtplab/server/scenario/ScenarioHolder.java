package dev.smtplab.server.scenario;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** The scenario in force. Swapping it takes effect from the next SMTP command or connection. */
public final class ScenarioHolder {
    private final AtomicReference<Scenario> current;
    private final List<Consumer<Scenario>> listeners = new CopyOnWriteArrayList<>();

    public ScenarioHolder(Scenario initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial));
    }

    public Scenario get() {
        return current.get();
    }

    public void set(Scenario scenario) {
        current.set(Objects.requireNonNull(scenario));
        listeners.forEach(listener -> listener.accept(scenario));
    }

    /** Changes the scenario atomically, such as adding one rule while another thread removes one. */
    public Scenario update(UnaryOperator<Scenario> change) {
        Scenario updated = current.updateAndGet(change);
        listeners.forEach(listener -> listener.accept(updated));
        return updated;
    }

    /** Called with each new scenario, on the thread that set it. */
    public void onChange(Consumer<Scenario> listener) {
        listeners.add(listener);
    }
}
