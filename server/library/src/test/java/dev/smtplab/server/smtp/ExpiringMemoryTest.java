package dev.smtplab.server.smtp;

import dev.smtplab.server.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Greylist and tempfail memories stay bounded: in entries, and in age. */
class ExpiringMemoryTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void a_client_inventing_senders_cannot_grow_it_past_its_bound() {
        ExpiringMemory memory = new ExpiringMemory(clock, 1_000, Duration.ofDays(1));
        for (int i = 0; i < 50_000; i++) {
            memory.firstSeen("127.0.0.1|sender-" + i + "@spam.test|bob@example.test");
        }
        assertThat(memory.size()).isEqualTo(1_000);
        assertThat(memory.seenBefore("127.0.0.1|sender-49999@spam.test|bob@example.test")).as("the newest stay").isTrue();
        assertThat(memory.seenBefore("127.0.0.1|sender-0@spam.test|bob@example.test")).as("the oldest went").isFalse();
    }

    @Test
    void entries_are_forgotten_after_their_age_as_a_greylist_forgets() {
        ExpiringMemory memory = new ExpiringMemory(clock, 1_000, Duration.ofHours(1));
        Instant first = memory.firstSeen("a");
        clock.advance(Duration.ofMinutes(59));
        assertThat(memory.firstSeen("a")).isEqualTo(first);
        memory.firstSeen("b");
        clock.advance(Duration.ofMinutes(2));
        assertThat(memory.firstSeen("a")).as("an hour on, a is new again").isEqualTo(clock.instant());
        assertThat(memory.seenBefore("b")).isTrue();
        assertThat(memory.size()).isEqualTo(2);
    }
}
