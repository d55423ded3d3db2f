package dev.smtplab.server.record;

import java.time.Duration;
import java.time.Instant;

/** When a greylisting rule first saw a key (client, sender, recipient), kept where several servers see it. */
public interface FirstSeenMemory {
    /**
     * The first time {@code key} was seen under {@code ruleId}, recording {@code now} if it is new
     * or older than {@code keep}.
     *
     * @throws StoreUnavailableException when the memory cannot be reached
     */
    Instant firstSeen(String ruleId, String key, Instant now, Duration keep);
}
