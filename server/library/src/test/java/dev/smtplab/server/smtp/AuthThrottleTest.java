package dev.smtplab.server.smtp;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class AuthThrottleTest {
    @Test
    void three_failures_are_free_then_the_wait_doubles_up_to_8_s() {
        assertThat(IntStream.rangeClosed(0, 8).mapToObj(n -> AuthThrottle.delayAfter(n).toSeconds()).toList())
                .containsExactly(0L, 0L, 0L, 1L, 2L, 4L, 8L, 8L, 8L);
    }

    @Test
    void failures_are_forgotten_after_ten_minutes_per_address() {
        MovableClock clock = new MovableClock();
        AuthThrottle throttle = new AuthThrottle(clock);
        throttle.failed("192.0.2.1");
        throttle.failed("192.0.2.1");
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        throttle.failed("192.0.2.1");
        assertThat(throttle.recentFailures("192.0.2.1")).isEqualTo(3);
        assertThat(throttle.recentFailures("192.0.2.2")).isZero();
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertThat(throttle.recentFailures("192.0.2.1")).isEqualTo(1);
    }

    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
