package dev.smtplab.client.learn;

import dev.smtplab.client.api.LabApi;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.TlsSettings;
import dev.smtplab.client.session.InteractiveSession;
import dev.smtplab.client.session.LineSource;
import dev.smtplab.server.FakeSmtpServer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code smtplab learn}: the lesson list with the learner's progress, and a lesson run: its own
 * fake server in this process on a free loopback port, and {@code smtplab session}'s terminal
 * with the lesson's coach looking on.
 */
public final class Learn {
    private final Texts texts;
    private final Path folder;

    /** @param dataFolder the data folder; progress and transcripts go to its {@code learn} folder */
    public Learn(Texts texts, Path dataFolder) {
        this.texts = texts;
        this.folder = dataFolder.resolve("learn");
    }

    /** The lesson numbers there are, for an error that names them. */
    public static String numbers() {
        return String.join(", ", Lessons.ALL.stream().map(lesson -> Integer.toString(lesson.number())).toList());
    }

    public static boolean exists(int number) {
        return Lessons.number(number).isPresent();
    }

    /** The list: number, title, and how far the learner got. */
    public void list(PrintWriter out) throws IOException {
        Progress progress = Progress.load(folder);
        out.println(texts.get("learn.list.heading"));
        for (Lesson lesson : Lessons.ALL) {
            String status = progress.finished(lesson) ? texts.get("learn.list.done")
                    : progress.stepsReached(lesson) > 0 ? texts.get("learn.list.partial", progress.stepsReached(lesson),
                    lesson.steps().size()) : "";
            out.printf("  %2d  %s%s%n", lesson.number(), texts.get("lesson." + lesson.id() + ".title"),
                    status.isEmpty() ? "" : "  " + status);
        }
        out.println(texts.get("learn.list.start"));
        out.flush();
    }

    /** The lesson to take when none is named: the first not finished, else the first. */
    public int nextLesson() throws IOException {
        Progress progress = Progress.load(folder);
        return Lessons.ALL.stream().filter(lesson -> !progress.finished(lesson)).findFirst()
                .orElse(Lessons.ALL.get(0)).number();
    }

    /** Runs a lesson in this terminal; returns the session's exit code. */
    /** @param webUi the SMTP Lab web UI where lesson 7 has the learner find their message */
    public int run(int number, LineSource lines, PrintWriter out, boolean color, LabApi webUi)
            throws IOException, InterruptedException {
        Lesson lesson = Lessons.number(number).orElseThrow(() -> new IllegalArgumentException(
                texts.get("learn.noSuchLesson", number, numbers())));
        Tutor tutor = new Tutor(lesson, texts, Progress.load(folder), folder.resolve("transcripts"));
        Path serverFolder = Files.createTempDirectory("smtplab-lesson-");
        try {
            if (lesson instanceof NetworkLesson network) {
                try (LabNetwork lab = network.network().start(serverFolder)) {
                    return new NetworkShell(lab, tutor, lines).run();
                } finally {
                    lines.close();
                }
            }
            DialogueLesson dialogue = (DialogueLesson) lesson;
            try (FakeSmtpServer server = dialogue.start(serverFolder)) {
                out.println(texts.get("learn.server", server.host(), server.port()));
                out.flush();
                SmtpConnection connection = SmtpConnection.connect(server.host(), server.host(), server.port(),
                        Duration.ofSeconds(5), Duration.ofSeconds(30));
                TlsSettings tls = new TlsSettings(serverFolder.resolve("ca.pem"), false);
                LessonCoach coach = new LessonCoach(dialogue, tutor, server, webUi);
                return new InteractiveSession(connection, lines, tls, Duration.ofSeconds(30), false, color).texts(texts)
                        .coach(coach).run();
            }
        } finally {
            deleteTree(serverFolder);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
