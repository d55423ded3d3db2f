package dev.smtplab.server.scenario;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ScenarioHolderTest {

    /**
     * One change is still telling its listeners when a second change comes: the second must wait,
     * so the scenario the listeners heard of last is the one in force (else a port would stay in
     * the older scenario's connection mode).
     */
    @Test
    void a_change_made_while_listeners_hear_of_another_is_heard_last() throws Exception {
        Scenario blocked = Scenario.builder().connectionMode(ConnectionMode.BLOCKED).build();
        Scenario normal = Scenario.none();
        ScenarioHolder holder = new ScenarioHolder(normal);
        AtomicReference<Scenario> heard = new AtomicReference<>();
        CountDownLatch blockedBeingHeard = new CountDownLatch(1);
        CountDownLatch letBlockedFinish = new CountDownLatch(1);
        holder.onChange(scenario -> {
            if (scenario == blocked) {
                blockedBeingHeard.countDown();
                await(letBlockedFinish);
            }
            heard.set(scenario);
        });

        Thread first = new Thread(() -> holder.set(blocked));
        first.start();
        assertThat(blockedBeingHeard.await(10, TimeUnit.SECONDS)).isTrue();
        Thread second = new Thread(() -> holder.update(old -> normal));
        second.start();
        second.join(200); // gives the second change its chance to overtake the first
        letBlockedFinish.countDown();
        first.join(10_000);
        second.join(10_000);

        assertThat(holder.get()).isSameAs(normal);
        assertThat(heard.get()).isSameAs(holder.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
