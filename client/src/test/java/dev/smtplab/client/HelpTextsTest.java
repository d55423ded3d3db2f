package dev.smtplab.client;

import dev.smtplab.client.i18n.Language;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** smtplab --help in Japanese: every command, option and parameter has its Japanese text, and no text is stale. */
class HelpTextsTest {
    private static final String JAPANESE = ".*[\\u3040-\\u30ff\\u4e00-\\u9fff].*";

    private static CommandLine japanese() {
        return Main.commandLine(new String[] {"--lang", "ja"});
    }

    private static String usage(CommandLine commandLine) {
        StringWriter text = new StringWriter();
        commandLine.usage(new PrintWriter(text));
        return text.toString();
    }

    @Test
    void every_description_of_every_command_is_japanese_with_lang_ja() {
        CommandLine root = japanese();
        List<String> english = new ArrayList<>();
        for (CommandLine command : root.getSubcommands().values()) {
            CommandSpec spec = command.getCommandSpec();
            if (spec.name().equals("help")) {
                continue;
            }
            String description = String.join(" ", spec.usageMessage().description());
            if (!description.matches(JAPANESE)) {
                english.add(spec.qualifiedName() + ": " + description);
            }
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec arg : args) {
                String text = String.join(" ", arg.description());
                if (!text.matches(JAPANESE)) {
                    english.add(spec.qualifiedName() + " " + arg.paramLabel() + ": " + text);
                }
            }
        }
        assertThat(english).as("texts still in English").isEmpty();
        assertThat(usage(root.getSubcommands().get("send"))).contains("終了コード:", "23   MAIL FROM の拒否",
                "エンベロープの送信者 (MAIL FROM)");
    }

    @Test
    void without_japanese_the_help_stays_as_the_annotations_say() {
        String english = usage(Main.commandLine(new String[] {"learn", "--lang", "en", "--help"}).getSubcommands()
                .get("learn"));
        assertThat(english).contains("The lesson's number").doesNotMatch("(?s)" + JAPANESE);
        assertThat(Main.helpLanguage(new String[] {"send", "--lang=ja"})).isEqualTo(Language.JAPANESE);
        assertThat(Main.helpLanguage(new String[] {"send", "--lang", "klingon"})).isEqualTo(Language.ENGLISH);
    }

    @Test
    void every_key_names_a_command_option_or_parameter_that_exists() {
        Set<String> known = new TreeSet<>(List.of("help", "version", "usage.commandListHeading", "usage.synopsisHeading",
                "usage.exitCodeListHeading"));
        CommandLine root = japanese();
        known.add("smtplab.usage.description");
        for (CommandLine command : root.getSubcommands().values()) {
            CommandSpec spec = command.getCommandSpec();
            String prefix = spec.qualifiedName(".") + ".";
            known.add(prefix + "usage.description");
            known.add(prefix + "usage.exitCodeListHeading");
            for (OptionSpec option : spec.options()) {
                // Annotated options have an empty key when none is given, options declared in code none at all.
                String key = option.descriptionKey() == null || option.descriptionKey().isEmpty()
                        ? option.longestName().replaceFirst("^-+", "") : option.descriptionKey();
                known.add(prefix + key);
                known.add(key); // the mixins' options, the same words in every command
            }
            spec.positionalParameters().forEach(parameter -> known.add(prefix + parameter.descriptionKey()));
        }
        ResourceBundle bundle = ResourceBundle.getBundle(Main.HELP, Locale.JAPANESE,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        List<String> stale = new ArrayList<>();
        for (String key : bundle.keySet()) {
            String base = key.replaceFirst("\\.\\d+$", "");
            if (!known.contains(base) && !base.endsWith(".usage.exitCodeList")) {
                stale.add(key);
            }
        }
        assertThat(stale).as("keys that name nothing").isEmpty();
    }
}
