package dev.smtplab.client.learn;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.Effect;
import dev.smtplab.server.scenario.Match;
import dev.smtplab.server.scenario.Rule;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.Schedule;
import dev.smtplab.server.scenario.SmtpReply;
import dev.smtplab.server.scenario.SmtpStage;
import dev.smtplab.server.tls.TlsMaterial;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The lessons, in the order a learner takes them; numbers as the list gives them. */
final class Lessons {
    /** How long the greylisting lesson makes the learner wait before a retry is accepted. */
    static final Duration GREYLIST_WAIT = Duration.ofSeconds(10);
    static final String LESSON_USER = "learner";
    static final String LESSON_PASSWORD = "let-me-in";

    static final List<Lesson> ALL = List.of(
            new Lesson(4, "ehlo", List.of(
                    new Step("ehlo", event -> event.answers("EHLO", 250)),
                    new Step("helo", event -> event.answers("HELO", 250))),
                    Lessons::withTlsAndAuth),
            new Lesson(5, "envelope", List.of(
                    new Step("hello", event -> event.reply().code() == 250 && event.verb().matches("EHLO|HELO")),
                    new Step("mail", event -> event.answers("MAIL", 250)),
                    new Step("rcpt", event -> event.answers("RCPT", 250)),
                    new Step("second-rcpt", event -> event.answers("RCPT", 250)
                            && event.dialogue().recipientsAccepted() >= 2),
                    new Step("rset", event -> event.answers("RSET", 250))),
                    (builder, folder) -> { }),
            new Lesson(6, "data", List.of(
                    new Step("envelope", event -> event.answers("RCPT", 250)),
                    new Step("data", event -> event.answers("DATA", 354)),
                    new Step("message", event -> event.answers(".", 250) && storedWithDotLine(event).isPresent())),
                    (builder, folder) -> { }),
            new Lesson(7, "queued", List.of(
                    new Step("send", event -> event.answers(".", 250) && !event.server().messages().isEmpty()),
                    new Step("quit", event -> event.answers("QUIT", 221))),
                    (builder, folder) -> { }),
            new Lesson(8, "errors", List.of(
                    new Step("bad-sender", event -> event.verb().equals("MAIL") && event.reply().code() / 100 == 5),
                    new Step("good-sender", event -> event.answers("MAIL", 250)),
                    new Step("unknown-user", event -> event.verb().equals("RCPT") && event.reply().code() == 550),
                    new Step("relay", event -> event.verb().equals("RCPT") && event.reply().code() == 554),
                    new Step("full", event -> event.verb().equals("RCPT") && event.reply().code() == 452),
                    new Step("greylisted", event -> event.verb().equals("RCPT") && event.reply().code() == 451),
                    new Step("retry", event -> event.answers("RCPT", 250) && event.line().toLowerCase()
                            .contains("later@example.test"))),
                    Lessons::withErrors),
            new Lesson(9, "tls-auth", List.of(
                    new Step("ehlo", event -> event.answers("EHLO", 250) && !event.dialogue().tls()),
                    new Step("starttls", event -> event.answers("EHLO", 250) && event.dialogue().tls()),
                    new Step("auth", event -> event.reply().code() == 235)),
                    Lessons::withTlsAndAuth));

    private Lessons() {
    }

    static Optional<Lesson> number(int number) {
        return ALL.stream().filter(lesson -> lesson.number() == number).findFirst();
    }

    /** STARTTLS offered with a local CA in the lesson's folder; AUTH (after TLS only) for one user. */
    private static void withTlsAndAuth(FakeSmtpServer.Builder builder, java.nio.file.Path folder) {
        builder.tls(TlsMaterial.localCa(folder, "mx.example.test")).authUser(LESSON_USER, LESSON_PASSWORD);
    }

    /** The errors lesson's server: each address meets one of the refusals real servers give. */
    private static void withErrors(FakeSmtpServer.Builder builder, java.nio.file.Path folder) {
        Scenario scenario = Scenario.builder()
                .preset("invalid-sender:domains=spam.test")
                .preset("unknown-recipient:addresses=nobody@example.test")
                .preset("relay-denied:domains=example.test")
                .preset("mailbox-full:addresses=full@example.test")
                .rule(Rule.at("greylist-later", SmtpStage.RCPT, new Effect.Reply(SmtpReply.of(451, "4.7.1",
                                "<{address}>: Recipient address rejected: Greylisted, please try again later")))
                        .when(new Match.Recipient(Match.TextPattern.glob("later@example.test")))
                        .on(new Schedule.Greylist(GREYLIST_WAIT)))
                .build();
        builder.scenario(scenario);
    }

    /** The message the server stored with a body line that starts with a dot, if there is one. */
    static Optional<RecordedMessage> storedWithDotLine(Step.Event event) {
        return event.server().messages().stream().filter(Lessons::hasDotLine).reduce((first, second) -> second);
    }

    static boolean hasDotLine(RecordedMessage message) {
        String text = new String(message.data(), StandardCharsets.UTF_8);
        int body = text.indexOf("\r\n\r\n");
        return body >= 0 && ("\r\n" + text.substring(body + 4)).contains("\r\n.");
    }
}
