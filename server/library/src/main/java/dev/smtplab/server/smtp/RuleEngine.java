package dev.smtplab.server.smtp;

import dev.smtplab.server.bounce.DeliveryReport;
import dev.smtplab.server.bounce.Notice;
import dev.smtplab.server.inbox.Inboxes;
import dev.smtplab.server.scenario.Effect;
import dev.smtplab.server.scenario.MagicAddress;
import dev.smtplab.server.scenario.Rule;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.ScenarioHolder;
import dev.smtplab.server.scenario.Responder;
import dev.smtplab.server.scenario.Schedule;
import dev.smtplab.server.scenario.SmtpReply;
import dev.smtplab.server.scenario.SmtpStage;
import dev.smtplab.server.scenario.StageContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Applies the scenario in force at each stage: finds the rules that match, asks their schedules,
 * carries out delays and throttles itself, and returns the effect that decides the reply, if any.
 * Schedules keep their counters here, per rule; a swapped scenario keeps the counters of rules
 * that did not change.
 */
final class RuleEngine {
    /** The effect that decides what happens next, and the rule (or magic address) it came from. */
    record Fired(String ruleId, Effect effect) {
    }

    /** The id under which the responder's answers are recorded, as a rule's would be. */
    static final String RESPONDER = "responder";

    private static final class RuleState {
        final AtomicLong matches = new AtomicLong();
        final AtomicLong uses = new AtomicLong();
        final Random random;
        final ExpiringMemory firstAttempts;
        final String ruleId;

        RuleState(Rule rule, Clock clock) {
            ruleId = rule.id();
            firstAttempts = new ExpiringMemory(clock, ExpiringMemory.DEFAULT_MAX_ENTRIES,
                    rule.schedule() instanceof Schedule.Greylist greylist
                            ? max(ExpiringMemory.DEFAULT_MAX_AGE, greylist.retryAfter().multipliedBy(2))
                            : ExpiringMemory.DEFAULT_MAX_AGE);
            random = rule.schedule() instanceof Schedule.Probability probability
                    ? new Random(probability.seed()) : null;
        }
    }

    private record Active(Scenario scenario, Map<Rule, RuleState> states) {
    }

    private final Inboxes inboxes;
    private final Clock clock;
    private volatile Responder responder = Responder.NONE;
    private final ExpiringMemory magicTempfailsSeen;
    /** Per scenario holder (the server's, and each inbox's own): its scenario and its rules' counters. */
    private final Map<ScenarioHolder, Active> actives = new ConcurrentHashMap<>();

    /** Greylisting's first sightings where several servers share them; null to keep them per rule in memory. */
    private final dev.smtplab.server.record.FirstSeenMemory sharedFirstSeen;

    RuleEngine(Inboxes inboxes, Clock clock, dev.smtplab.server.record.FirstSeenMemory sharedFirstSeen) {
        this.inboxes = inboxes;
        this.sharedFirstSeen = sharedFirstSeen;
        this.clock = clock;
        this.magicTempfailsSeen = new ExpiringMemory(clock, ExpiringMemory.DEFAULT_MAX_ENTRIES,
                ExpiringMemory.DEFAULT_MAX_AGE);
    }

    /** The scenario in force for a connection's inbox (null: the server's) before anything routes it. */
    Scenario scenario(String listenerInbox) {
        return current(inboxes.scenariosFor(listenerInbox)).scenario();
    }

    /**
     * Whose scenario decides this event: the inbox the session's mail would go to as far as it is
     * known now (its listener's, its user's, or at RCPT the recipient's), else the server's.
     */
    private ScenarioHolder holderFor(StageContext context, ConnectionRecorder recorder) {
        String listenerInbox = recorder.listenerInbox();
        List<String> recipients = context.recipient() != null ? List.of(context.recipient())
                : context.earlierRecipients();
        return inboxes.scenariosFor(inboxes.route(listenerInbox, context.authUser(), recipients));
    }

    void responder(Responder responder) {
        this.responder = responder;
    }

    /** What the test code's responder says, if anything; its own failure becomes a 451 the test can see. */
    private Optional<Fired> askResponder(StageContext context, ConnectionRecorder recorder, OutboundTap output)
            throws InterruptedException {
        Responder asked = responder;
        if (asked == Responder.NONE) {
            return Optional.empty();
        }
        Optional<Effect> effect;
        try {
            effect = asked.respond(context);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            recorder.event("the responder threw " + e);
            return Optional.of(new Fired(RESPONDER, new Effect.Reply(
                    SmtpReply.of(451, "4.3.0", "Error in the test's responder: " + e.getClass().getSimpleName()))));
        }
        if (effect == null || effect.isEmpty()) {
            return Optional.empty();
        }
        recorder.ruleFired(RESPONDER, context.stage(), effect.get().describe());
        if (effect.get().carriesOn()) {
            carryOut(effect.get(), output, context, recorder, "the responder");
            return Optional.empty();
        }
        return Optional.of(new Fired(RESPONDER, effect.get()));
    }

    private Active current(ScenarioHolder holder) {
        Scenario scenario = holder.get();
        Active snapshot = actives.get(holder);
        if (snapshot != null && snapshot.scenario() == scenario) {
            return snapshot;
        }
        return actives.compute(holder, (key, active) -> active != null && active.scenario() == scenario ? active
                : activate(scenario, active == null ? Map.of() : active.states()));
    }

    private Active activate(Scenario scenario, Map<Rule, RuleState> previous) {
        Map<Rule, RuleState> states = new HashMap<>();
        for (Rule rule : scenario.rules()) {
            states.put(rule, previous.getOrDefault(rule, new RuleState(rule, clock)));
        }
        return new Active(scenario, states);
    }

    /**
     * Runs the rules for one event. Delays happen here (the caller's thread waits); a throttle is
     * set on the connection; the first effect that decides the reply is returned.
     */
    Optional<Fired> evaluate(StageContext context, ConnectionRecorder recorder, OutboundTap output)
            throws InterruptedException {
        Optional<Fired> answered = askResponder(context, recorder, output);
        if (answered.isPresent()) {
            return answered;
        }
        Active now = current(holderFor(context, recorder));
        for (Rule rule : now.scenario().rules()) {
            if (!rule.stage().covers(context.stage()) || !rule.match().test(context)) {
                continue;
            }
            RuleState state = now.states().get(rule);
            if (rule.maxUses() > 0 && state.uses.get() >= rule.maxUses()) {
                continue;
            }
            if (!fires(rule.schedule(), state, context)) {
                continue;
            }
            if (rule.maxUses() > 0 && state.uses.incrementAndGet() > rule.maxUses()) {
                continue;
            }
            recorder.ruleFired(rule.id(), context.stage(), rule.effect().describe());
            if (rule.effect().carriesOn()) {
                carryOut(rule.effect(), output, context, recorder, "rule " + rule.id());
                continue;
            }
            return Optional.of(new Fired(rule.id(), rule.effect()));
        }
        if (now.scenario().magicAddresses()) {
            return magic(context, recorder);
        }
        return Optional.empty();
    }

    /** {@link #evaluate}, for SubEthaSMTP's hooks, which may only throw IOException. */
    Optional<Fired> evaluateInSession(StageContext context, ConnectionRecorder recorder, OutboundTap output)
            throws java.io.InterruptedIOException {
        try {
            return evaluate(context, recorder, output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while applying rules");
        }
    }

    private boolean fires(Schedule schedule, RuleState state, StageContext context) {
        long match = state.matches.incrementAndGet();
        if (schedule instanceof Schedule.Always) {
            return true;
        } else if (schedule instanceof Schedule.FirstN first) {
            return match <= first.count();
        } else if (schedule instanceof Schedule.EveryNth every) {
            return match % every.n() == 0;
        } else if (schedule instanceof Schedule.Probability probability) {
            synchronized (state.random) {
                return state.random.nextDouble() < probability.probability();
            }
        } else if (schedule instanceof Schedule.Greylist greylist) {
            String key = context.clientAddress().getHostAddress() + "|" + context.sender() + "|" + context.recipient();
            Instant first;
            try {
                first = sharedFirstSeen != null
                        ? sharedFirstSeen.firstSeen(state.ruleId, key, clock.instant(),
                        max(ExpiringMemory.DEFAULT_MAX_AGE, greylist.retryAfter().multipliedBy(2)))
                        : state.firstAttempts.firstSeen(key);
            } catch (dev.smtplab.server.record.StoreUnavailableException e) {
                // The shared memory is out of reach: a greylist's own answer, try again later, is the safe one.
                return true;
            }
            return Duration.between(first, clock.instant()).compareTo(greylist.retryAfter()) < 0;
        }
        throw new IllegalStateException("unknown schedule " + schedule);
    }

    private Optional<Fired> magic(StageContext context, ConnectionRecorder recorder) throws InterruptedException {
        String address = switch (context.stage()) {
            case MAIL -> context.sender();
            case RCPT -> context.recipient();
            default -> null;
        };
        if (address == null) {
            return Optional.empty();
        }
        Optional<MagicAddress> magic = MagicAddress.of(address);
        if (magic.isEmpty()) {
            return Optional.empty();
        }
        String id = "magic-address";
        if (magic.get() instanceof MagicAddress.Bounce bounce) {
            if (context.stage() == SmtpStage.RCPT) {
                recorder.ruleFired(id, context.stage(), address + ": accept, then bounce after "
                        + bounce.after().toSeconds() + " s");
                recorder.noticeLater(address, new Notice(DeliveryReport.Action.FAILED, bounce.reply(), bounce.after(),
                        "the magic address"));
            }
            return Optional.empty();
        }
        if (magic.get() instanceof MagicAddress.Delay delay) {
            recorder.ruleFired(id, context.stage(), address + ": delay " + delay.delay().toMillis() + " ms");
            Thread.sleep(delay.delay().toMillis());
            return Optional.empty();
        }
        if (magic.get() instanceof MagicAddress.Tempfail tempfail) {
            String key = context.stage() + "|" + context.clientAddress().getHostAddress() + "|" + address;
            if (magicTempfailsSeen.seenBefore(key)) {
                return Optional.empty();
            }
            recorder.ruleFired(id, context.stage(), address + ": first attempt fails");
            return Optional.of(new Fired(id, new Effect.Reply(tempfail.reply())));
        }
        SmtpReply reply = ((MagicAddress.Reject) magic.get()).reply();
        recorder.ruleFired(id, context.stage(), address + ": reply " + reply.code());
        return Optional.of(new Fired(id, new Effect.Reply(reply)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static void carryOut(Effect effect, OutboundTap output, StageContext context, ConnectionRecorder recorder,
                                 String by) throws InterruptedException {
        if (effect instanceof Effect.Delay delay) {
            Thread.sleep(delay.delay().toMillis());
        } else if (effect instanceof Effect.Throttle throttle) {
            output.throttle(throttle.bytesPerSecond());
        } else if (effect instanceof Effect.Bounce bounce) {
            noticeLater(context, recorder, new Notice(DeliveryReport.Action.FAILED, bounce.reply(), bounce.after(), by));
        } else if (effect instanceof Effect.DelayNotice notice) {
            noticeLater(context, recorder, new Notice(DeliveryReport.Action.DELAYED, notice.reply(), notice.after(), by));
        }
    }

    /** A notice is about the recipient at RCPT, about every recipient at the message; elsewhere it means nothing. */
    private static void noticeLater(StageContext context, ConnectionRecorder recorder, Notice notice) {
        if (context.stage() == SmtpStage.RCPT) {
            recorder.noticeLater(context.recipient(), notice);
        } else if (context.stage() == SmtpStage.MESSAGE) {
            recorder.noticeLater(null, notice);
        }
    }
}
