package dev.smtplab.client.learn;

import dev.smtplab.client.dns.MxReport;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
            new NetworkLesson(1, "connect", List.of(
                    new Step<>("open", probe -> connected(probe, "mx1.example.test", 25, Probe.Outcome.GREETED)),
                    new Step<>("refused", probe -> connected(probe, "mx2.example.test", 25, Probe.Outcome.REFUSED)),
                    new Step<>("blocked", probe -> connected(probe, "mx3.example.test", 25, Probe.Outcome.TIMED_OUT)
                            || connected(probe, "mx3.example.test", 25, Probe.Outcome.CANCELLED))),
                    Lessons::connectingNetwork),
            new NetworkLesson(2, "mx", List.of(
                    new Step<>("lookup", probe -> lookedUp(probe, "shop.example.test")
                            .filter(report -> report.hosts().size() > 1).isPresent()),
                    new Step<Probe>("connect", probe -> connected(probe, "mx1.shop.example.test", 25,
                            Probe.Outcome.GREETED)).missedWhen("backup", probe -> connected(probe,
                            "mx2.shop.example.test", 25, Probe.Outcome.GREETED)),
                    new Step<>("implicit", probe -> lookedUp(probe, "blog.example.test").filter(MxReport::implicit)
                            .isPresent()),
                    new Step<>("null", probe -> lookedUp(probe, "nomail.example.test").filter(MxReport::nullMx)
                            .isPresent())),
                    Lessons::mxNetwork),
            new NetworkLesson(3, "ports", List.of(
                    new Step<>("port25", probe -> connected(probe, "mx.example.test", 25, Probe.Outcome.GREETED)),
                    new Step<>("port587", probe -> connected(probe, "mx.example.test", 587, Probe.Outcome.GREETED)
                            && !((Probe.Connect) probe).tls()),
                    new Step<Probe>("port465", probe -> connected(probe, "mx.example.test", 465,
                            Probe.Outcome.NO_GREETING) && !((Probe.Connect) probe).tls())
                            .missedWhen("withTls", probe -> connected(probe, "mx.example.test", 465,
                                    Probe.Outcome.GREETED)),
                    new Step<Probe>("tls465", probe -> connected(probe, "mx.example.test", 465, Probe.Outcome.GREETED)
                            && ((Probe.Connect) probe).tls())
                            .missedWhen("silentAgain", probe -> connected(probe, "mx.example.test", 465,
                                    Probe.Outcome.NO_GREETING))),
                    Lessons::portsNetwork),
            new DialogueLesson(4, "ehlo", List.of(
                    new Step<DialogueEvent>("ehlo", event -> event.answers("EHLO", 250))
                            .missedWhen("heloFirst", event -> event.answers("HELO", 250)),
                    new Step<>("helo", event -> event.answers("HELO", 250))),
                    Lessons::withTlsAndAuth),
            new DialogueLesson(5, "envelope", List.of(
                    new Step<>("hello", event -> event.reply().code() == 250 && event.verb().matches("EHLO|HELO")),
                    new Step<>("mail", event -> event.answers("MAIL", 250)),
                    new Step<>("rcpt", event -> event.answers("RCPT", 250)),
                    new Step<>("second-rcpt", event -> event.answers("RCPT", 250)
                            && event.dialogue().recipientsAccepted() >= 2),
                    new Step<>("rset", event -> event.answers("RSET", 250))),
                    (builder, folder) -> { }),
            new DialogueLesson(6, "data", List.of(
                    new Step<>("envelope", event -> event.answers("RCPT", 250)),
                    new Step<>("data", event -> event.answers("DATA", 354)),
                    new Step<>("message", event -> event.answers(".", 250) && storedWithDotLine(event).isPresent())),
                    (builder, folder) -> { }),
            new DialogueLesson(7, "queued", List.of(
                    new Step<>("send", event -> event.answers(".", 250) && !event.server().messages().isEmpty()),
                    // Reached by /found with the message's number in the web UI (LessonCoach), not by a reply.
                    new Step<>("find", event -> false),
                    new Step<>("quit", event -> event.answers("QUIT", 221))),
                    (builder, folder) -> { }),
            new DialogueLesson(8, "errors", List.of(
                    new Step<>("bad-sender", event -> event.verb().equals("MAIL") && event.reply().code() / 100 == 5),
                    new Step<>("good-sender", event -> event.answers("MAIL", 250)),
                    new Step<>("unknown-user", event -> event.verb().equals("RCPT") && event.reply().code() == 550),
                    new Step<>("relay", event -> event.verb().equals("RCPT") && event.reply().code() == 554),
                    new Step<>("full", event -> event.verb().equals("RCPT") && event.reply().code() == 452),
                    new Step<>("greylisted", event -> event.verb().equals("RCPT") && event.reply().code() == 451),
                    new Step<>("retry", event -> event.answers("RCPT", 250) && event.line().toLowerCase()
                            .contains("later@example.test"))),
                    Lessons::withErrors),
            new DialogueLesson(9, "tls-auth", List.of(
                    new Step<>("ehlo", event -> event.answers("EHLO", 250) && !event.dialogue().tls()),
                    new Step<>("starttls", event -> event.answers("EHLO", 250) && event.dialogue().tls()),
                    new Step<>("auth", event -> event.reply().code() == 235)),
                    Lessons::withTlsAndAuth));

    private Lessons() {
    }

    static Optional<Lesson> number(int number) {
        return ALL.stream().filter(lesson -> lesson.number() == number).findFirst();
    }

    private static boolean connected(Probe probe, String host, int port, Probe.Outcome outcome) {
        return probe instanceof Probe.Connect connect && connect.reached(host, port, outcome);
    }

    private static Optional<MxReport> lookedUp(Probe probe, String domain) {
        return probe instanceof Probe.Lookup lookup && lookup.domain().equals(domain) ? Optional.of(lookup.report())
                : Optional.empty();
    }

    /** Lesson 1: an open port 25, one where nothing listens, and one behind a firewall that drops. */
    private static LabNetwork connectingNetwork(Path folder) throws IOException {
        return LabNetwork.start(network -> {
            FakeSmtpServer open = network.started(FakeSmtpServer.builder().hostName("mx1.example.test"));
            FakeSmtpServer refused = network.started(FakeSmtpServer.builder().hostName("mx2.example.test")
                    .scenario(Scenario.builder().preset("refused").build()));
            FakeSmtpServer blocked = network.started(FakeSmtpServer.builder().hostName("mx3.example.test")
                    .scenario(Scenario.builder().preset("blocked").build()));
            network.host("mx1.example.test", 25, open.port()).host("mx2.example.test", 25, refused.port())
                    .host("mx3.example.test", 25, blocked.port());
        });
    }

    /** Lesson 2: a shop with two MX hosts, a blog with none (implicit MX), and a domain with a null MX. */
    private static LabNetwork mxNetwork(Path folder) throws IOException {
        return LabNetwork.start(network -> {
            FakeSmtpServer primary = network.started(FakeSmtpServer.builder().hostName("mx1.shop.example.test"));
            FakeSmtpServer backup = network.started(FakeSmtpServer.builder().hostName("mx2.shop.example.test"));
            FakeSmtpServer blog = network.started(FakeSmtpServer.builder().hostName("blog.example.test"));
            network.mx("shop.example.test", 10, "mx1.shop.example.test")
                    .mx("shop.example.test", 20, "mx2.shop.example.test")
                    .host("mx1.shop.example.test", 25, primary.port()).host("mx2.shop.example.test", 25, backup.port())
                    .host("blog.example.test", 25, blog.port())
                    .nullMx("nomail.example.test");
        });
    }

    /**
     * Lesson 3: one host with the three ports: 25 (server to server: STARTTLS, no AUTH), 587
     * (submission: STARTTLS, then AUTH) and 465 (the same, but TLS from the first byte).
     */
    private static LabNetwork portsNetwork(Path folder) throws IOException {
        return LabNetwork.start(network -> {
            TlsMaterial tls = TlsMaterial.localCa(folder, "mx.example.test");
            FakeSmtpServer relay = network.started(FakeSmtpServer.builder().hostName("mx.example.test").tls(tls));
            FakeSmtpServer submission = network.started(FakeSmtpServer.builder().hostName("mx.example.test").tls(tls)
                    .implicitTlsPort(0).authUser(LESSON_USER, LESSON_PASSWORD).requireAuth());
            network.host("mx.example.test", 25, relay.port()).host("mx.example.test", 587, submission.port())
                    .host("mx.example.test", 465, submission.implicitTlsPort()).ca(folder.resolve("ca.pem"));
        });
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
    static Optional<RecordedMessage> storedWithDotLine(DialogueEvent event) {
        return event.server().messages().stream().filter(Lessons::hasDotLine).reduce((first, second) -> second);
    }

    static boolean hasDotLine(RecordedMessage message) {
        String text = new String(message.data(), StandardCharsets.UTF_8);
        int body = text.indexOf("\r\n\r\n");
        return body >= 0 && ("\r\n" + text.substring(body + 4)).contains("\r\n.");
    }
}
