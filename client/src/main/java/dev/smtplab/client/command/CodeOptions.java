package dev.smtplab.client.command;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Options declared in code rather than with picocli's annotations, for the commands whose start is
 * timed (the root command and send, with the options they share with others). picocli reads
 * annotations through proxy classes the JVM generates anew at every start: 25 ms of a 120 ms send.
 * Each option here keeps its value in a field of the command, as an annotated one would, and starts
 * from the field's value when the option is made.
 */
public final class CodeOptions {
    private CodeOptions() {
    }

    /**
     * An annotated command that also has options declared in code (those it shares with send): once
     * picocli has read its annotations, {@code Main} adds them, then -h and -V.
     */
    public interface Holder {
        void addCodeOptions(CommandSpec spec);
    }

    /** A command for this object (a Runnable or Callable) with -h/--help and -V/--version, as picocli's standard mixin gives. */
    public static CommandSpec command(Object command, String name, IVersionProvider version, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name).versionProvider(version);
        spec.usageMessage().description(description);
        return spec;
    }

    /** Adds -h/--help and -V/--version last, where picocli's standard mixin puts them; the keys are the mixin's too. */
    public static void addStandardHelp(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).descriptionKey("help")
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).descriptionKey("version")
                .description("Print version information and exit.").build());
    }

    /** An option with one value of this type, kept in a field through the getter and setter. */
    public static <T> OptionSpec.Builder value(String name, Class<T> type, String paramLabel, String description,
                                               Supplier<T> getter, Consumer<T> setter) {
        FieldBinding<T> binding = new FieldBinding<>(getter, setter);
        OptionSpec.Builder option = OptionSpec.builder(name).type(type).description(description)
                .getter(binding).setter(binding).initialValue(getter.get());
        return paramLabel == null ? option : option.paramLabel(paramLabel);
    }

    /** A repeatable option whose values of this type are collected in a list field. */
    public static <T> OptionSpec.Builder list(String name, Class<T> elementType, String paramLabel, String description,
                                              Supplier<List<T>> getter, Consumer<List<T>> setter) {
        FieldBinding<List<T>> binding = new FieldBinding<>(getter, setter);
        return OptionSpec.builder(name).type(List.class).auxiliaryTypes(elementType).paramLabel(paramLabel)
                .description(description).getter(binding).setter(binding).initialValue(getter.get());
    }

    /** An option without a value: true when given. */
    public static OptionSpec.Builder flag(String name, String description, Supplier<Boolean> getter,
                                          Consumer<Boolean> setter) {
        FieldBinding<Boolean> binding = new FieldBinding<>(getter, setter);
        return OptionSpec.builder(name).type(boolean.class).arity("0").description(description)
                .getter(binding).setter(binding).initialValue(getter.get());
    }

    /** picocli's getter and setter over a field of ours, without reflection. */
    private static final class FieldBinding<T> implements IGetter, ISetter {
        private final Supplier<T> read;
        private final Consumer<T> write;

        FieldBinding(Supplier<T> read, Consumer<T> write) {
            this.read = read;
            this.write = write;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) read.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V value) {
            V previous = get();
            write.accept((T) value);
            return previous;
        }
    }
}
