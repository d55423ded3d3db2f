package dev.smtplab.server;

import dev.smtplab.server.scenario.Personality;
import dev.smtplab.server.scenario.RulesFile;
import dev.smtplab.server.scenario.Scenario;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The failures to start with: presets, a rules file, magic addresses; and the personality. */
final class FailureOptions {
    @Option(names = "--preset", paramLabel = "NAME[:KEY=VALUE;...]", split = "\\s+", splitSynopsisLabel = " ",
            description = "Turn on a failure preset; repeatable. Presets: ${COMPLETION-CANDIDATES}.",
            completionCandidates = OptionConverters.PresetNames.class)
    List<String> presets = new ArrayList<>();

    @Option(names = "--rules", paramLabel = "FILE", description = "Failure rules from a YAML file.")
    Path rulesFile;

    @Option(names = "--personality", paramLabel = "NAME",
            description = "Word the greeting, the EHLO reply and every positive reply as this server does: "
                    + "${COMPLETION-CANDIDATES} (a rules file's personality: block words them as any other).",
            completionCandidates = OptionConverters.PersonalityNames.class)
    String personality;

    @Option(names = "--replay", paramLabel = "FILE", description = "Answer as a recorded server (smtplab record, "
            + "smtplab diagnose --record): its greeting, EHLO reply and texts, and its refusals of the recorded addresses.")
    Path replayFile;

    @Option(names = "--replay-timing", negatable = false,
            description = "With --replay: take as long to answer as the recorded server did.")
    boolean replayTiming;

    @Option(names = "--no-magic-addresses", negatable = false,
            description = "Treat reject-NNN@, tempfail-NNN@ and delay-Ns@ addresses like any other.")
    boolean noMagicAddresses;

    private RulesFile.Contents contents;

    /** What the rules file (or the recording to replay) holds, read once; nothing without one. */
    RulesFile.Contents contents() {
        if (contents == null) {
            if (rulesFile != null && replayFile != null) {
                throw new IllegalArgumentException("--rules and --replay do not go together: a recording is a rules "
                        + "file; add your rules to it");
            }
            if (replayTiming && replayFile == null) {
                throw new IllegalArgumentException("--replay-timing times a recording: give it with --replay FILE");
            }
            Path file = rulesFile != null ? rulesFile : replayFile;
            contents = file == null ? new RulesFile.Contents(Scenario.none(), List.of(), java.util.Map.of())
                    : RulesFile.readContents(file);
            if (replayFile != null && contents.scenario().personality().isEmpty()) {
                throw new IllegalArgumentException("--replay " + replayFile + ": it has no personality: block, so it "
                        + "is not a recording; give a rules file with --rules");
            }
        }
        return contents;
    }

    /** The scenario these describe; a bad preset or rules file throws with a message that names it. */
    Scenario scenario() {
        Scenario.Builder scenario = contents().scenario().toBuilder();
        presets.forEach(scenario::preset);
        if (replayTiming) {
            // First: a delay lets the rules after it decide, so a recorded refusal comes as late as it did.
            contents().scenario().personality().ifPresent(recorded -> scenario.rulesFirst(recorded.timingRules()));
        }
        if (personality != null) {
            try {
                scenario.personality(Personality.builtIn(personality));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--personality " + personality + ": " + e.getMessage(), e);
            }
        }
        if (noMagicAddresses) {
            scenario.magicAddresses(false);
        }
        return scenario.build();
    }
}
