package dev.smtplab.server.scenario;

import java.util.Objects;

/**
 * A failure rule: at a stage, for events that match, on a schedule, do an effect.
 *
 * @param id       unique within a scenario; written into the transcript when the rule fires
 * @param maxUses  the rule expires after firing this many times; 0 for never
 */
public record Rule(String id, SmtpStage stage, Match match, Schedule schedule, Effect effect, long maxUses) {
    public Rule {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a rule needs an id");
        }
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(effect, "effect");
        if (maxUses < 0) {
            throw new IllegalArgumentException("uses must be 0 (no limit) or more, got " + maxUses);
        }
        if (effect instanceof Effect.Discard && stage != SmtpStage.MESSAGE) {
            throw new IllegalArgumentException("discard only works at the message stage");
        }
        if (effect instanceof Effect.FailTlsHandshake && stage != SmtpStage.STARTTLS) {
            throw new IllegalArgumentException("fail-tls-handshake only works at the starttls stage");
        }
        if (effect instanceof Effect.DropMidMessage && stage != SmtpStage.DATA) {
            throw new IllegalArgumentException("drop-mid-message only works at the data stage");
        }
    }

    /** A rule that always fires, for every event at its stage. */
    public static Rule at(String id, SmtpStage stage, Effect effect) {
        return new Rule(id, stage, new Match.Anything(), new Schedule.Always(), effect, 0);
    }

    public Rule when(Match match) {
        return new Rule(id, stage, match, schedule, effect, maxUses);
    }

    public Rule on(Schedule schedule) {
        return new Rule(id, stage, match, schedule, effect, maxUses);
    }

    public Rule expiringAfter(long uses) {
        return new Rule(id, stage, match, schedule, effect, uses);
    }
}
