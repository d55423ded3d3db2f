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

    @Option(names = "--no-magic-addresses", negatable = false,
            description = "Treat reject-NNN@, tempfail-NNN@ and delay-Ns@ addresses like any other.")
    boolean noMagicAddresses;

    private RulesFile.Contents contents;

    /** What the rules file holds (read once); nothing without one. */
    RulesFile.Contents contents() {
        if (contents == null) {
            contents = rulesFile == null ? new RulesFile.Contents(Scenario.none(), List.of(), java.util.Map.of())
                    : RulesFile.readContents(rulesFile);
        }
        return contents;
    }

    /** The scenario these describe; a bad preset or rules file throws with a message that names it. */
    Scenario scenario() {
        Scenario.Builder scenario = contents().scenario().toBuilder();
        presets.forEach(scenario::preset);
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
