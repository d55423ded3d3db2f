package dev.smtplab.client.learn;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.session.InteractiveSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The network lessons, typed through a pipe: every command runs for real against the lesson's
 * servers and DNS, each outcome is explained, and the steps are reached in order, with progress
 * and the transcript saved. (LearnWalkthroughIT types them in a terminal, Ctrl-C included.)
 */
@Timeout(60)
class NetworkShellTest {
    @TempDir
    Path data;
    @TempDir
    Path serverFolder;

    private String take(int number, Language language, String typed) throws Exception {
        NetworkLesson lesson = (NetworkLesson) Lessons.number(number).orElseThrow();
        StringWriter screen = new StringWriter();
        PrintWriter out = new PrintWriter(screen, true);
        Tutor tutor = new Tutor(lesson, Texts.of(language), Progress.load(data), data.resolve("transcripts"));
        try (LabNetwork network = lesson.network().start(serverFolder)) {
            new NetworkShell(network, tutor, InteractiveSession.pipe(
                    new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), out))
                    .patience(Duration.ofSeconds(1), Duration.ofSeconds(1)).run();
        }
        return screen.toString();
    }

    private void assertFinished(Lesson lesson) throws Exception {
        assertThat(Progress.load(data).finished(lesson)).isTrue();
        try (Stream<Path> files = Files.list(data.resolve("transcripts"))) {
            Path transcript = files.findFirst().orElseThrow();
            assertThat(Files.readString(transcript)).startsWith("# smtplab learn " + lesson.number() + " (" + lesson.id()
                    + "): " + lesson.steps().size() + "/" + lesson.steps().size() + " steps").contains("lesson$ telnet");
        }
    }

    @Test
    void lesson_1_an_open_a_refused_and_a_blocked_port() throws Exception {
        String screen = take(1, Language.ENGLISH, String.join("\n",
                "EHLO me.example.test",
                "telnet mx1.example.test",
                "telnet mx1.example.test 25",
                "telnet mx2.example.test 25",
                "telnet mx9.example.test 25",
                "telnet mx3.example.test 25", ""));

        assertThat(screen).contains("you are not connected to a server", "needs the port as well",
                "Connected to mx1.example.test.", "220 mx1.example.test ESMTP", "EHLO learner.example.test",
                "221 2.0.0", "Connection refused", "Refused at once",
                "could not resolve mx9.example.test/25", "There is no host mx9.example.test",
                "Connection timed out", "OP25B", "Lesson 1 finished", "Next: smtplab learn 2");
        assertThat(screen.indexOf("Step 2 of 3")).isGreaterThan(screen.indexOf("Connected to mx1.example.test."));
        assertFinished(Lessons.number(1).orElseThrow());
    }

    @Test
    void lesson_2_the_mx_lookup_through_the_lessons_own_dns_in_japanese() throws Exception {
        String screen = take(2, Language.JAPANESE, String.join("\n",
                "nslookup shop.example.test",
                "nslookup -type=mx shop.example.test",
                "telnet mx2.shop.example.test 25",
                "telnet mx1.shop.example.test 25",
                "dig mx blog.example.test",
                "host -t mx nomail.example.test",
                "nslookup -type=mx nothere.example.test", ""));

        assertThat(screen).contains("A レコードを問い合わせる",
                "shop.example.test\tmail exchanger = 10 mx1.shop.example.test.",
                "shop.example.test\tmail exchanger = 20 mx2.shop.example.test.",
                "mx2 は予備のホストです", "220 mx1.shop.example.test ESMTP",
                "暗黙の MX", "ヌル MX", "** server can't find nothere.example.test: NXDOMAIN",
                "レッスン 2 を修了しました");
        assertThat(screen.indexOf("ステップ 3/4")).isGreaterThan(screen.indexOf("220 mx1.shop.example.test"));
        assertFinished(Lessons.number(2).orElseThrow());
    }

    @Test
    void lesson_3_the_three_ports_with_starttls_only_auth_and_implicit_tls() throws Exception {
        String screen = take(3, Language.ENGLISH, String.join("\n",
                "telnet mx.example.test 25",
                "telnet mx.example.test 587",
                "openssl s_client -connect mx.example.test:465",
                "telnet mx.example.test 465",
                "nc mx.example.test 465",
                "openssl s_client -connect mx.example.test:465 -crlf -quiet",
                "telnet mx.example.test 2525", ""));

        String port25 = screen.substring(0, screen.indexOf("Step 2 of 4"));
        assertThat(port25).contains("250-STARTTLS").doesNotContain("250-AUTH");
        String port587 = screen.substring(screen.indexOf("Step 2 of 4"), screen.indexOf("Step 3 of 4"));
        assertThat(port587).contains("250-STARTTLS").doesNotContain("250-AUTH");
        assertThat(screen).contains("This step asks for telnet", "no greeting came in 1 s", "Silent again",
                "i:CN=SMTP Lab local CA", "250-AUTH PLAIN LOGIN CRAM-MD5", "Lesson 3 finished",
                "Nothing listens on port 2525 of mx.example.test", "Its ports: 25, 465, 587");
        assertFinished(Lessons.number(3).orElseThrow());
    }
}
