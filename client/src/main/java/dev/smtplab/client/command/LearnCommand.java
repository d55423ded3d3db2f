package dev.smtplab.client.command;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.learn.Learn;
import dev.smtplab.client.session.InteractiveSession;
import dev.smtplab.client.session.LineSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** smtplab learn [LESSON]: guided lessons of the SMTP dialogue, checked as you type. */
@Command(name = "learn", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Guided lessons of the SMTP dialogue, typed by hand against a fake server the lesson starts "
                + "on this machine, checked as you type.",
                "In a lesson: /goal repeats the goal, /hint gives a hint, /send sends a line the lesson stopped, "
                        + "/help lists the rest."})
public final class LearnCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "LESSON", descriptionKey = "lesson",
            description = "The lesson's number (default: the first one not finished).")
    Integer lesson;

    @Option(names = "--list", description = "List the lessons and how far you got in each.")
    boolean list;

    @Option(names = "--lang", paramLabel = "LANG",
            description = "en or ja (default: SMTPLAB_LANG, then the system's locale).")
    String lang;

    /** Lesson 7 copies the learner's message to this SMTP Lab web UI, to be found there. */
    @Mixin
    ApiOptions api;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:SMTPLAB_DATA_DIR}",
            description = "Where progress and lesson transcripts are kept, in its learn folder (default: ~/.smtplab).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Texts texts;
        try {
            texts = Texts.of(Language.choose(lang, System.getenv()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (lesson != null && !Learn.exists(lesson)) {
            throw new ParameterException(spec.commandLine(), texts.get("learn.noSuchLesson", lesson, Learn.numbers()));
        }
        Learn learn = new Learn(texts, dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".smtplab"));
        if (list) {
            learn.list(out);
            return 0;
        }
        boolean terminal = System.console() != null && System.getenv("SMTPLAB_FORCE_PIPE") == null;
        LineSource lines = terminal ? InteractiveSession.terminal() : InteractiveSession.pipe(System.in, out);
        int number = lesson != null ? lesson : learn.nextLesson();
        return learn.run(number, lines, out, terminal && System.getenv("NO_COLOR") == null, api.lab());
    }
}
