package dev.smtplab.server.scenario;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "What would happen": a MAIL FROM or RCPT TO tried against a scenario without a session, nothing
 * counted and nothing waited for. Each rule that matches is a step, in the order the server tries
 * them; a rule on a schedule (every Nth time, greylisting, a probability) says when it fires rather
 * than guessing; the first rule that decides the reply ends the walk, and the magic addresses come
 * after the rules, as in a session.
 *
 * @param steps   the rules (and magic address) that match, in order
 * @param outcome what the client gets, in one line
 */
public record DryRun(List<Step> steps, String outcome) {
    public DryRun {
        steps = List.copyOf(steps);
    }

    /**
     * @param rule    the rule's id, or "magic-address"
     * @param effect  what it does ("reply 550 5.1.1 ...", "delay 2000 ms")
     * @param when    when it fires: "every time", "the first 2 times", ...
     * @param decides whether it decides the reply (a delay or throttle lets the next rule be tried)
     */
    public record Step(String rule, String effect, String when, boolean decides) {
    }

    public static DryRun of(Scenario scenario, SmtpStage stage, String address, InetAddress client) {
        if (stage != SmtpStage.MAIL && stage != SmtpStage.RCPT) {
            throw new IllegalArgumentException("a dry run is of MAIL FROM or RCPT TO, not " + stage.key());
        }
        String sender = stage == SmtpStage.MAIL ? address : null;
        String recipient = stage == SmtpStage.RCPT ? address : null;
        String argument = (stage == SmtpStage.MAIL ? "FROM:<" : "TO:<") + address + ">";
        StageContext context = new StageContext(stage, stage == SmtpStage.MAIL ? "MAIL" : "RCPT", argument, sender,
                recipient, "client.example", client, null, -1, null, "localhost", "dry-run", List.of());
        List<Step> steps = new ArrayList<>();
        for (Rule rule : scenario.rules()) {
            if (!rule.stage().covers(stage) || !rule.match().test(context)) {
                continue;
            }
            boolean decides = !rule.effect().carriesOn();
            steps.add(new Step(rule.id(), rule.effect().describe().replace("{address}", address), when(rule), decides));
            if (decides && rule.schedule() instanceof Schedule.Always) {
                return new DryRun(steps, "rule " + rule.id() + ": " + rule.effect().describe().replace("{address}", address));
            }
        }
        Optional<MagicAddress> magic = scenario.magicAddresses() ? MagicAddress.of(address) : Optional.empty();
        if (magic.isPresent()) {
            Step step = magicStep(magic.get(), stage);
            steps.add(step);
            if (step.decides()) {
                return new DryRun(steps, "the magic address: " + step.effect());
            }
        }
        boolean scheduled = steps.stream().anyMatch(Step::decides);
        String accepted = stage == SmtpStage.MAIL ? "250 2.1.0 Ok" : "250 2.1.5 Ok";
        return new DryRun(steps, scheduled ? "as the schedules above say; otherwise " + accepted : accepted);
    }

    private static String when(Rule rule) {
        String when;
        if (rule.schedule() instanceof Schedule.FirstN first) {
            when = "the first " + first.count() + " times it matches";
        } else if (rule.schedule() instanceof Schedule.EveryNth every) {
            when = "every " + ordinal(every.n()) + " time it matches";
        } else if (rule.schedule() instanceof Schedule.Probability probability) {
            when = String.format(Locale.ROOT, "%.0f%% of the times it matches", probability.probability() * 100);
        } else if (rule.schedule() instanceof Schedule.Greylist greylist) {
            when = "a first attempt, and retries sooner than " + greylist.retryAfter().toSeconds() + " s (greylisting)";
        } else {
            when = "every time";
        }
        return rule.maxUses() > 0 ? when + ", " + rule.maxUses() + " times in all" : when;
    }

    private static String ordinal(long n) {
        return n == 1 ? "" : n + (n % 10 == 2 && n % 100 != 12 ? "nd" : n % 10 == 3 && n % 100 != 13 ? "rd" : "th");
    }

    private static Step magicStep(MagicAddress magic, SmtpStage stage) {
        if (magic instanceof MagicAddress.Reject reject) {
            return new Step("magic-address", "reply " + reject.reply(), "every time", true);
        } else if (magic instanceof MagicAddress.Tempfail tempfail) {
            return new Step("magic-address", "reply " + tempfail.reply(), "the first attempt from each client; "
                    + "a retry is accepted", true);
        } else if (magic instanceof MagicAddress.Delay delay) {
            return new Step("magic-address", "delay " + delay.delay().toMillis() + " ms, then carry on", "every time", false);
        }
        MagicAddress.Bounce bounce = (MagicAddress.Bounce) magic;
        Duration after = bounce.after();
        return new Step("magic-address", stage == SmtpStage.RCPT ? "accept, then bounce with " + bounce.reply() + " after "
                + after.toSeconds() + " s" : "nothing at MAIL FROM", "every time", false);
    }
}
