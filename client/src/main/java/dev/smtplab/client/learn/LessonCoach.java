package dev.smtplab.client.learn;

import dev.smtplab.client.api.LabApi;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.session.Coach;
import dev.smtplab.client.session.SessionTranscript;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    private static final java.time.Duration COPY_TIMEOUT = java.time.Duration.ofSeconds(10);
    private static final Pattern QUEUED_AS = Pattern.compile("queued as (\\S+)");
    private static final Pattern IMPORTED_ID = Pattern.compile("\"ids\"\\s*:\\s*\\[\\s*\"?([^\",\\]\\s]+)");

    private final DialogueLesson lesson;
    private final Tutor tutor;
    private final Texts texts;
    private final FakeSmtpServer server;
    private final CommandReview review;
    /** The SMTP Lab web UI the queued lesson copies the learner's message to, for them to find there. */
    private final LabApi webUi;
    /** The message's id in that web UI, once copied (by the copying thread). */
    private volatile String copiedId;
    private volatile boolean copying;
    private final Dialogue dialogue = new Dialogue();
    private Consumer<String> out = line -> { };

    LessonCoach(DialogueLesson lesson, Tutor tutor, FakeSmtpServer server, LabApi webUi) {
        this.lesson = lesson;
        // A copy runs beside the session, so a slow or stuck web UI never holds up the dialogue.
        this.webUi = webUi == null ? null : webUi.withRequestTimeout(COPY_TIMEOUT);
        this.tutor = tutor;
        this.texts = tutor.texts();
        this.server = server;
        this.review = new CommandReview(texts);
    }

    @Override
    public void attach(Consumer<String> out) {
        this.out = out;
    }

    @Override
    public synchronized void greeted(Reply greeting) {
        say(tutor.opening());
    }

    @Override
    public synchronized Optional<String> review(String line, boolean inMessage) {
        Optional<String> problem = inMessage ? review.content(line) : review.command(line, dialogue);
        return problem.map(text -> MARK + text);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized void replied(String line, Reply reply) {
        dialogue.replied(line, reply);
        if (tutor.finished()) {
            explainRefusal(line, reply);
            return;
        }
        DialogueEvent event = new DialogueEvent(line, reply, dialogue, server);
        Step<DialogueEvent> step = (Step<DialogueEvent>) tutor.current();
        if (!step.reached().test(event)) {
            explainRefusal(line, reply);
            missedDetail(event);
            step.missed(event).forEach(miss -> say(tutor.stepText(miss)));
            return;
        }
        say(tutor.reachedText());
        afterReached(event);
        say(tutor.advance());
    }

    /** What a step shows once reached, beyond its text: the capabilities, the message as stored, the queue id. */
    private void afterReached(DialogueEvent event) {
        if (event.verb().equals("EHLO")) {
            explainCapabilities(event.reply());
        }
        if (lesson.id().equals("data") && tutor.at("message")) {
            Lessons.storedWithDotLine(event).ifPresent(this::showStored);
        }
        if (lesson.id().equals("queued") && tutor.at("send")) {
            Matcher queued = QUEUED_AS.matcher(event.reply().wireText());
            String id = queued.find() ? queued.group(1) : "?";
            RecordedMessage stored = lastStored();
            say(texts.get("learn.queued.record", id, stored.mailFrom(), String.join(", ", stored.acceptedRecipients()),
                    stored.size()));
            copyToWebUi();
        }
    }

    /** A reply that did not reach the goal, yet says something the lesson can explain. */
    private void missedDetail(DialogueEvent event) {
        if (lesson.id().equals("data") && event.answers(".", 250) && !server.messages().isEmpty()) {
            showStored(lastStored());
            say(tutor.stepText("noDot"));
        }
    }

    /** The message the lesson's server stored last (there must be one). */
    private RecordedMessage lastStored() {
        List<RecordedMessage> messages = server.messages();
        return messages.get(messages.size() - 1);
    }

    private void showStored(RecordedMessage message) {
        say(texts.get("learn.stored"));
        for (String line : new String(message.data(), StandardCharsets.UTF_8).split("\r\n")) {
            say("    | " + line);
        }
    }

    /** Each capability line of an EHLO reply, with what it means. */
    private void explainCapabilities(Reply reply) {
        for (String line : reply.lines().subList(1, reply.lines().size())) {
            String capability = line.trim();
            String name = capability.split("[ =]", 2)[0].toUpperCase(Locale.ROOT);
            String key = "capability." + name;
            if (texts.has(key)) {
                say("    " + capability + ": " + tutor.text(key));
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
                texts.has(key) ? tutor.text(key) : tutor.text("explain.class." + reply.code() / 100)));
    }

    @Override
    public synchronized boolean helper(String[] words) {
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "/hint" -> {
                say(tutor.hint());
                return true;
            }
            case "/goal" -> {
                say(tutor.goal());
                return true;
            }
            case "/found" -> {
                found(words);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * Copies the learner's last message into the SMTP Lab server on this machine, as its delivery
     * agent would hand it over (Return-Path and Delivered-To added), for them to find in its web UI.
     */
    private void copyToWebUi() {
        if (webUi == null || copiedId != null || copying) {
            return;
        }
        RecordedMessage message = lastStored();
        StringBuilder delivered = new StringBuilder("Return-Path: <").append(message.mailFrom()).append(">\r\n");
        message.acceptedRecipients().forEach(to -> delivered.append("Delivered-To: ").append(to).append("\r\n"));
        byte[] headers = delivered.toString().getBytes(StandardCharsets.UTF_8);
        byte[] copy = new byte[headers.length + message.data().length];
        System.arraycopy(headers, 0, copy, 0, headers.length);
        System.arraycopy(message.data(), 0, copy, headers.length, message.data().length);
        copying = true;
        Thread copier = new Thread(() -> {
            try {
                String answer = new String(webUi.post("/api/v1/messages/import", "message/rfc822", copy),
                        StandardCharsets.UTF_8);
                Matcher id = IMPORTED_ID.matcher(answer);
                if (id.find()) {
                    copiedId = id.group(1);
                    say(texts.get("learn.found.copied", webUi.url()));
                } else {
                    say(texts.get("learn.found.failed", webUi.url(), answer));
                }
            } catch (LabApi.Failure e) {
                say(e.unreachable() ? texts.get("learn.found.noServer", webUi.url())
                        : texts.get("learn.found.failed", webUi.url(), e.getMessage()));
            } finally {
                copying = false;
            }
        }, "smtplab-lesson-copy");
        copier.setDaemon(true);
        copier.start();
    }

    /** /found NUMBER: the learner found the copy in the web UI, and says its number. */
    private void found(String[] words) {
        if (!tutor.at("find")) {
            say(texts.get("learn.found.notNow"));
            return;
        }
        if (copiedId == null) {
            if (copying) {
                say(texts.get("learn.found.copying", webUi.url()));
            } else {
                copyToWebUi();
            }
            return;
        }
        if (words.length < 2) {
            say(texts.get("learn.found.copied", webUi.url()));
            return;
        }
        String typed = words[1].replaceFirst("^#?/?message/", "");
        if (!typed.equals(copiedId)) {
            say(texts.get("learn.found.wrong", words[1]));
            return;
        }
        say(tutor.reachedText());
        say(tutor.advance());
    }

    @Override
    public String help() {
        return tutor.text("learn.help");
    }

    @Override
    public void ended(SessionTranscript transcript) {
        String problem = tutor.saveTranscript(transcript.lines());
        if (problem != null) {
            say(problem);
        }
    }

    private void say(String text) {
        marked(text).forEach(out);
    }

    /** The lines of a lesson's text, each marked as the lesson's own, but for indented detail lines. */
    static List<String> marked(String text) {
        return Arrays.stream(text.split("\n")).map(line -> line.startsWith(" ") ? line : MARK + line).toList();
    }
}
