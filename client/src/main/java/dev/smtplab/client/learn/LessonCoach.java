package dev.smtplab.client.learn;

import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.session.Coach;
import dev.smtplab.client.session.SessionTranscript;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lesson's teacher in the session: states each goal, checks each typed line before it goes out,
 * explains each reply in the lesson's context, and moves on when the reply (and the server's own
 * record) shows the goal reached. Hints come one at a time, on request.
 */
final class LessonCoach implements Coach {
    /** What the coach says is marked, so it stands apart from the dialogue on the screen. */
    static final String MARK = "» ";
    private static final Pattern QUEUED_AS = Pattern.compile("queued as (\\S+)");

    private final Lesson lesson;
    private final Texts texts;
    private final FakeSmtpServer server;
    private final Progress progress;
    private final Path transcripts;
    private final CommandReview review;
    private final Dialogue dialogue = new Dialogue();
    private Consumer<String> out = line -> { };
    private int step;
    private int hintsGiven;

    LessonCoach(Lesson lesson, Texts texts, FakeSmtpServer server, Progress progress, Path transcripts) {
        this.lesson = lesson;
        this.texts = texts;
        this.server = server;
        this.progress = progress;
        this.transcripts = transcripts;
        this.review = new CommandReview(texts);
    }

    @Override
    public void attach(Consumer<String> out) {
        this.out = out;
    }

    @Override
    public synchronized void greeted(Reply greeting) {
        say(texts.get("learn.lesson.heading", lesson.number(), lessonText("title")));
        say(lessonText("intro"));
        sayGoal();
    }

    @Override
    public synchronized Optional<String> review(String line, boolean inMessage) {
        Optional<String> problem = inMessage ? review.content(line) : review.command(line, dialogue);
        return problem.map(text -> MARK + text);
    }

    @Override
    public synchronized void replied(String line, Reply reply) {
        dialogue.replied(line, reply);
        if (finished()) {
            explainRefusal(line, reply);
            return;
        }
        Step.Event event = new Step.Event(line, reply, dialogue, server);
        if (!current().reached().test(event)) {
            explainRefusal(line, reply);
            missedDetail(event);
            return;
        }
        say(texts.get("learn.reached", stepText("done")));
        afterReached(event);
        step++;
        hintsGiven = 0;
        try {
            progress.reached(lesson, step);
        } catch (IOException e) {
            say(texts.get("learn.progress.unsaved", e.getMessage()));
        }
        if (finished()) {
            say(texts.get("learn.finished", lesson.number(), lessonText("outro")));
            Lessons.ALL.stream().filter(next -> next.number() > lesson.number()).findFirst()
                    .ifPresentOrElse(next -> say(texts.get("learn.next", next.number(), text("lesson." + next.id()
                            + ".title"))), () -> say(texts.get("learn.last")));
        } else {
            sayGoal();
        }
    }

    /** What a step shows once reached, beyond its text: the capabilities, the message as stored, the queue id. */
    private void afterReached(Step.Event event) {
        if (event.verb().equals("EHLO")) {
            explainCapabilities(event.reply());
        }
        if (lesson.id().equals("data") && current().id().equals("message")) {
            Lessons.storedWithDotLine(event).ifPresent(this::showStored);
        }
        if (lesson.id().equals("queued") && current().id().equals("send")) {
            Matcher queued = QUEUED_AS.matcher(event.reply().wireText());
            String id = queued.find() ? queued.group(1) : "?";
            List<RecordedMessage> messages = server.messages();
            RecordedMessage stored = messages.get(messages.size() - 1);
            say(texts.get("learn.queued.record", id, stored.mailFrom(), String.join(", ", stored.acceptedRecipients()),
                    stored.size()));
        }
    }

    /** A reply that did not reach the goal, yet says something the lesson can explain. */
    private void missedDetail(Step.Event event) {
        if (lesson.id().equals("data") && event.answers(".", 250)) {
            List<RecordedMessage> messages = server.messages();
            if (!messages.isEmpty()) {
                showStored(messages.get(messages.size() - 1));
                say(stepText("noDot"));
            }
        }
        if (lesson.id().equals("ehlo") && current().id().equals("ehlo") && event.answers("HELO", 250)) {
            say(stepText("heloFirst"));
        }
    }

    private void showStored(RecordedMessage message) {
        say(texts.get("learn.stored"));
        for (String line : new String(message.data(), StandardCharsets.UTF_8).split("\r\n")) {
            say("    | " + line);
        }
    }

    /** Each capability line of an EHLO reply, with what it means. */
    private void explainCapabilities(Reply reply) {
        String[] lines = reply.wireText().split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            String capability = lines[i].length() > 4 ? lines[i].substring(4).trim() : "";
            String name = capability.split("[ =]", 2)[0].toUpperCase(Locale.ROOT);
            String key = "capability." + name;
            if (texts.has(key)) {
                say("    " + capability + ": " + text(key));
            }
        }
    }

    /** Why a refusal came, in the lesson's words: the enhanced code's meaning where it says more. */
    private void explainRefusal(String line, Reply reply) {
        if (reply.code() < 400) {
            return;
        }
        String key = "explain." + reply.code();
        say(texts.get("learn.explain", line.length() > 40 ? line.substring(0, 40) + "..." : line, reply.code(),
                texts.has(key) ? text(key) : text("explain.class." + reply.code() / 100)));
    }

    @Override
    public synchronized boolean helper(String[] words) {
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "/hint" -> {
                if (finished()) {
                    say(texts.get("learn.hint.finished"));
                    return true;
                }
                List<String> hints = texts.numbered("lesson." + lesson.id() + "." + current().id() + ".hint");
                if (hintsGiven < hints.size()) {
                    say(texts.get("learn.hint", hintsGiven + 1, hints.size(), hints.get(hintsGiven)));
                    hintsGiven++;
                } else {
                    say(texts.get("learn.hint.none"));
                }
                return true;
            }
            case "/goal" -> {
                sayGoal();
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    @Override
    public String help() {
        return text("learn.help");
    }

    @Override
    public void ended(SessionTranscript transcript) {
        List<String> lines = new ArrayList<>();
        lines.add("# smtplab learn " + lesson.number() + " (" + lesson.id() + "): " + step + "/" + lesson.steps().size()
                + " steps");
        lines.addAll(transcript.lines());
        try {
            Files.createDirectories(transcripts);
            String name = "lesson-" + lesson.number() + "-" + LocalDateTime.now()
                    .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".txt";
            Files.write(transcripts.resolve(name), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            say(texts.get("learn.transcript.unsaved", e.getMessage()));
        }
    }

    synchronized int stepsReached() {
        return step;
    }

    private boolean finished() {
        return step >= lesson.steps().size();
    }

    private Step current() {
        return lesson.steps().get(step);
    }

    private void sayGoal() {
        if (finished()) {
            say(texts.get("learn.finished.already"));
            return;
        }
        say(texts.get("learn.goal", step + 1, lesson.steps().size(), stepText("goal")));
    }

    private String lessonText(String name) {
        return text("lesson." + lesson.id() + "." + name);
    }

    private String stepText(String name) {
        return text("lesson." + lesson.id() + "." + current().id() + "." + name);
    }

    private String text(String key) {
        return texts.get(key, Lessons.GREYLIST_WAIT.toSeconds(), Lessons.LESSON_USER, Lessons.LESSON_PASSWORD);
    }

    private void say(String text) {
        for (String line : text.split("\n")) {
            out.accept(line.startsWith(" ") ? line : MARK + line);
        }
    }
}
