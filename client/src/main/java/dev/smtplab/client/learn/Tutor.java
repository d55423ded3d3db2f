package dev.smtplab.client.learn;

import dev.smtplab.client.i18n.Texts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a learner is in a lesson, whatever kind: the step at hand, the hints given so far, the
 * progress saved as steps are reached, and the lesson's texts. Both the dialogue lessons' coach
 * and the network lessons' prompt teach through it.
 */
final class Tutor {
    private final Lesson lesson;
    private final Texts texts;
    private final Progress progress;
    private final Path transcripts;
    private int step;
    private int hintsGiven;

    /** @param transcripts the folder a finished session's transcript is saved in */
    Tutor(Lesson lesson, Texts texts, Progress progress, Path transcripts) {
        this.lesson = lesson;
        this.texts = texts;
        this.progress = progress;
        this.transcripts = transcripts;
    }

    Lesson lesson() {
        return lesson;
    }

    /** The heading, the introduction and the first goal. */
    String opening() {
        return texts.get("learn.lesson.heading", lesson.number(), lessonText("title")) + "\n" + lessonText("intro")
                + "\n" + goal();
    }

    boolean finished() {
        return step >= lesson.steps().size();
    }

    /** The step at hand; only while the lesson is not finished. */
    Step<?> current() {
        return lesson.steps().get(step);
    }

    /** Whether this is the step at hand. */
    boolean at(String stepId) {
        return !finished() && current().id().equals(stepId);
    }

    int stepsReached() {
        return step;
    }

    String goal() {
        if (finished()) {
            return texts.get("learn.finished.already");
        }
        return texts.get("learn.goal", step + 1, lesson.steps().size(), stepText("goal"));
    }

    /** The next hint of the step at hand, one per request, or a note that there are no more. */
    String hint() {
        if (finished()) {
            return texts.get("learn.hint.finished");
        }
        List<String> hints = texts.numbered("lesson." + lesson.id() + "." + current().id() + ".hint");
        if (hintsGiven >= hints.size()) {
            return texts.get("learn.hint.none");
        }
        hintsGiven++;
        return texts.get("learn.hint", hintsGiven, hints.size(), hints.get(hintsGiven - 1));
    }

    /** What reaching the step at hand means (its done text); say it before {@link #advance()}. */
    String reachedText() {
        return texts.get("learn.reached", stepText("done"));
    }

    /**
     * Moves past the step at hand and saves the progress: returns the next goal, or the lesson's
     * end and the next lesson to take.
     */
    String advance() {
        step++;
        hintsGiven = 0;
        List<String> said = new ArrayList<>();
        try {
            progress.reached(lesson, step);
        } catch (IOException e) {
            said.add(texts.get("learn.progress.unsaved", e.getMessage()));
        }
        if (!finished()) {
            said.add(goal());
            return String.join("\n", said);
        }
        said.add(texts.get("learn.finished", lesson.number(), lessonText("outro")));
        said.add(Lessons.ALL.stream().filter(next -> next.number() > lesson.number()).findFirst()
                .map(next -> texts.get("learn.next", next.number(), text("lesson." + next.id() + ".title")))
                .orElse(texts.get("learn.last")));
        return String.join("\n", said);
    }

    /** Saves what was on the screen, under a heading that says how far the learner got; a note if it cannot. */
    String saveTranscript(List<String> shown) {
        List<String> lines = new ArrayList<>();
        lines.add("# smtplab learn " + lesson.number() + " (" + lesson.id() + "): " + step + "/" + lesson.steps().size()
                + " steps");
        lines.addAll(shown);
        try {
            Files.createDirectories(transcripts);
            String name = "lesson-" + lesson.number() + "-" + LocalDateTime.now()
                    .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".txt";
            Files.write(transcripts.resolve(name), lines, StandardCharsets.UTF_8);
            return null;
        } catch (IOException e) {
            return texts.get("learn.transcript.unsaved", e.getMessage());
        }
    }

    String lessonText(String name) {
        return text("lesson." + lesson.id() + "." + name);
    }

    /** A text of the step at hand ({@code lesson.ID.STEP.NAME}). */
    String stepText(String name) {
        return text("lesson." + lesson.id() + "." + current().id() + "." + name);
    }

    boolean hasStepText(String name) {
        return !finished() && texts.has("lesson." + lesson.id() + "." + current().id() + "." + name);
    }

    /** A text with the lessons' fixed values at hand: {0} the greylisting wait, {1} and {2} the login. */
    String text(String key) {
        return texts.get(key, Lessons.GREYLIST_WAIT.toSeconds(), Lessons.LESSON_USER, Lessons.LESSON_PASSWORD);
    }

    Texts texts() {
        return texts;
    }
}
