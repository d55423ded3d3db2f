package dev.smtplab.server.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * When a matching event makes a rule fire. The decision for "first N", "every Nth" and
 * "probability" depends only on the match number (and the seed), so the same seed gives the same
 * run; greylisting depends on the client, the sender and the recipient, and the time.
 */
public sealed interface Schedule {

    /** Every match fires. */
    record Always() implements Schedule {
    }

    /** Matches 1 to count fire; later ones pass. */
    record FirstN(long count) implements Schedule {
        public FirstN {
            if (count < 1) {
                throw new IllegalArgumentException("first must be 1 or more, got " + count);
            }
        }
    }

    /** Matches n, 2n, 3n ... fire. */
    record EveryNth(long n) implements Schedule {
        public EveryNth {
            if (n < 1) {
                throw new IllegalArgumentException("every must be 1 or more, got " + n);
            }
        }
    }

    /** Each match fires with this probability, drawn from a generator seeded once per rule. */
    record Probability(double probability, long seed) implements Schedule {
        public Probability {
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability must be between 0 and 1, got " + probability);
            }
        }
    }

    /**
     * The first attempt of each (client address, sender, recipient) fires, as does every retry
     * sooner than retryAfter; a retry after that passes, and so does every later attempt.
     */
    record Greylist(Duration retryAfter) implements Schedule {
        public Greylist {
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retry-after may not be negative, got " + retryAfter);
            }
        }
    }
}
