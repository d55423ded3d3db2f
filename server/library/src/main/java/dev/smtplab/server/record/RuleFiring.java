package dev.smtplab.server.record;

import dev.smtplab.server.scenario.SmtpStage;

import java.time.Instant;
import java.util.Objects;

/**
 * A failure rule, the test's responder or a magic address fired in a session.
 *
 * @param ruleId the rule's id, "responder" or "magic-address"
 * @param stage  the stage it fired at
 * @param effect what it did, for people ("reply 550 5.1.1 ...", "delay 2000 ms")
 */
public record RuleFiring(Instant at, String ruleId, SmtpStage stage, String effect) {
    public RuleFiring {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(effect, "effect");
    }
}
