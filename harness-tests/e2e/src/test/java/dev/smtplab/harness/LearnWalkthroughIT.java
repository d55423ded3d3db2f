package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.web.WebAccess;
import dev.smtplab.server.web.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every lesson of {@code smtplab learn}, in English and in Japanese, typed in tmux as a learner
 * types: wrong attempts (a malformed command the lesson stops before it goes out, one the server
 * refuses, a lookup of the wrong record type), then the correction, Ctrl-C to give up a wait for
 * the network, and the screen must show the lesson's answer to each. The lesson's progress is
 * saved as finished.
 */
@Timeout(180)
class LearnWalkthroughIT {
    private static final String TMUX_SESSION = "smtplab-learn-" + ProcessHandle.current().pid();
    private static final String WAIT = "\u0000wait";
    private static final String CTRL_C = "\u0000ctrl-c";
    /** Types /found and the number of the learner's message in the web UI, as a learner reads it there. */
    private static final String FOUND = "\u0000found";
    @TempDir
    Path data;

    /** What is typed, and a piece of text that must then appear on the screen (once more than before). */
    private record Keys(String typed, String shows) {
    }

    private static Keys type(String typed, String shows) {
        return new Keys(typed, shows);
    }

    /** The SMTP Lab server on "this machine", whose web UI lesson 7 has the learner find their message in. */
    private FakeSmtpServer lab;
    private WebServer webUi;

    @BeforeEach
    void startTheLearnersServer() {
        lab = FakeSmtpServer.builder().build().start();
        webUi = new WebServer(lab, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
    }

    @AfterEach
    void stop() throws Exception {
        tmux("kill-session", "-t", TMUX_SESSION);
        webUi.stop();
        lab.stop();
    }

    static Stream<Arguments> lessons() {
        return Stream.of(
                Arguments.of(1, "en", List.of(
                        type("EHLO client.example.test", "you are not connected"),
                        type("telnet mx1.example.test", "needs the port as well"),
                        type("telnet mx1.example.test 25", "That is an open port"),
                        type("telnet mx2.example.test", "needs the port as well"),
                        type("telnet mx2.example.test 25", "Refused at once"),
                        type("telnet mx3.example.test 2525", "Nothing listens on port 2525"),
                        type("telnet mx3.example.test 25", "Still trying"),
                        type(CTRL_C, "Lesson 1 finished"))),
                Arguments.of(1, "ja", List.of(
                        type("/hint", "ヒント 1/2"),
                        type("ｔｅｌｎｅｔ mx1.example.test 25", "半角の ASCII 文字ではありません。コマンドとホスト名"),
                        type("telnet mx1.example.test", "にはポート番号も必要です"),
                        type("telnet mx1.example.test 25", "開いたポートです"),
                        type("EHLO client.example.test", "まだどのサーバーにも接続していません"),
                        type("telnet mx2.example.test 25", "すぐに拒否されました"),
                        type("telnet mx3.example.test 2525", "で待ち受けているものがないので"),
                        type("telnet mx3.example.test 25", "まだ何の応答もありません"),
                        type(CTRL_C, "レッスン 1 を修了しました"))),
                Arguments.of(2, "en", List.of(
                        type("nslookup shop.example.test", "looks up A records"),
                        type("nslookup -type=mx shop.example.test", "the higher one is the backup"),
                        type("telnet mx2.shop.example.test 25", "mx2 is the backup"),
                        type("telnet mx1.shop.example.test 25", "the whole path a sending server takes"),
                        type("dig blog.example.test", "looks up A records"),
                        type("dig mx blog.example.test", "the \"implicit MX\" of RFC 5321"),
                        type("host nomail.example.test", "looks up A records"),
                        type("mx nomail.example.test", "Lesson 2 finished"))),
                Arguments.of(2, "ja", List.of(
                        type("nslookup shop.example.test", "A レコードを問い合わせる"),
                        type("nslookup -type=mx shop.example.test", "大きいほうは予備です"),
                        type("telnet mx2.shop.example.test 25", "mx2 は予備のホストです"),
                        type("telnet mx1.shop.example.test 25", "道筋がひととおりそろいました"),
                        type("nslookup -type=txt blog.example.test", "TXT レコードを問い合わせる"),
                        type("nslookup -type=mx blog.example.test", "暗黙の MX"),
                        type("host nomail.example.test", "A レコードを問い合わせる"),
                        type("host -t mx nomail.example.test", "レッスン 2 を修了しました"))),
                Arguments.of(3, "en", List.of(
                        type("telnet mx.example.test", "needs the port as well"),
                        type("telnet mx.example.test 25", "needs no password"),
                        type("telnet mx.example.test 578", "Nothing listens on port 578"),
                        type("telnet mx.example.test 587", "the submission port"),
                        type("openssl s_client -connect mx.example.test:465", "This step asks for telnet"),
                        type("telnet mx.example.test 465", "has not said anything yet"),
                        type(CTRL_C, "port 465 speaks TLS from the first byte"),
                        type("nc mx.example.test 465", "Silent again"),
                        type("openssl s_client -connect mx.example.test:465", "Lesson 3 finished"))),
                Arguments.of(3, "ja", List.of(
                        type("telnet mx.example.test", "にはポート番号も必要です"),
                        type("telnet mx.example.test 25", "パスワードは要らない"),
                        type("telnet mx.example.test 578", "で待ち受けているものがないので"),
                        type("telnet mx.example.test 587", "サブミッションポート"),
                        type("openssl s_client -connect mx.example.test:465", "最初から TLS で接続できました"),
                        type("telnet mx.example.test 465", "ポート 465 は最初のバイトから TLS"),
                        type("nc mx.example.test 465", "また何も返ってきません"),
                        type("openssl s_client -connect mx.example.test:465", "レッスン 3 を修了しました"))),
                Arguments.of(4, "en", List.of(
                        type("/hint", "Hint 1 of 2"),
                        type("EHLO", "needs your machine's name"),
                        type("EHLO client.example.test", "\u2713 250: the server greeted you back"),
                        type("HELLO client.example.test", "Did you mean HELO?"),
                        type("HELO client.example.test", "Lesson 4 finished"))),
                Arguments.of(4, "ja", List.of(
                        type("/hint", "ヒント 1/2"),
                        type("ＥＨＬＯ client.example.test", "全角"),
                        type("EHLO client.example.test", "\u2713 250: サーバーがあいさつを返しました"),
                        type("HELLO client.example.test", "HELO のことですか?"),
                        type("HELO client.example.test", "レッスン 4 を修了しました"))),
                Arguments.of(5, "en", List.of(
                        type("EHLO client.example.test", "Greeted"),
                        type("MAIL FROM you@example.test", "MAIL FROM:<address>"),
                        type("MAIL FROM:<you@example.test>", "the envelope sender is set"),
                        type("To: friend@example.test", "is a header"),
                        type("RCPT TO:<friend@example.test>", "accepts mail for that recipient"),
                        type("RCPT TO:friend2@example.test", "angle brackets"),
                        type("RCPT TO:<friend2@example.test>", "Two recipients"),
                        type("REST", "Did you mean RSET?"),
                        type("RSET", "Lesson 5 finished"))),
                Arguments.of(5, "ja", List.of(
                        type("EHLO client.example.test", "あいさつが済みました"),
                        type("MAIL FROM：<you@example.test>", "全角"),
                        type("MAIL FROM:<you@example.test>", "エンベロープの送信者が決まりました"),
                        type("To: friend@example.test", "ヘッダーで"),
                        type("RCPT TO:<friend@example.test>", "この受信者あてのメールを受け付けます"),
                        type("RCPT TO:friend2@example.test", "山かっこ"),
                        type("RCPT TO:<friend2@example.test>", "受信者 2 人に 1 通"),
                        type("REST", "RSET のことですか?"),
                        type("RSET", "レッスン 5 を修了しました"))),
                Arguments.of(6, "en", List.of(
                        type("DATA", "No recipient has been accepted"),
                        type("EHLO client.example.test", "250 CHUNKING"),
                        type("MAIL FROM:<you@example.test>", "250 2.1.0"),
                        type("RCPT TO:<friend@example.test>", "The envelope is ready"),
                        type("DATA", "354: from now on"),
                        type("Subject: Hello", "data>"),
                        type("", "data>"),
                        type("Hi", "data>"),
                        type(".hidden", "would be stored as \"hidden\""),
                        type("..hidden", "data>"),
                        type(".", "Lesson 6 finished"))),
                Arguments.of(6, "ja", List.of(
                        type("DATA", "受け付けられた受信者がまだいない"),
                        type("EHLO client.example.test", "250 CHUNKING"),
                        type("MAIL FROM:<you@example.test>", "250 2.1.0"),
                        type("RCPT TO:<friend@example.test>", "エンベロープの準備ができました"),
                        type("DATA", "354: ここからは"),
                        type("Subject: Hello", "data>"),
                        type("", "data>"),
                        type("こんにちは", "data>"),
                        type(".hidden", "\"hidden\" として保存されます"),
                        type("..hidden", "data>"),
                        type(".", "レッスン 6 を修了しました"))),
                Arguments.of(7, "en", List.of(
                        type("EHLO client.example.test", "250 CHUNKING"),
                        type("MAIL FROM:<you@example.test>", "250 2.1.0"),
                        type("RCPT TO:<friend@example.test>", "250 2.1.5"),
                        type("DATA", "354"),
                        type("Subject: Hello", "data>"),
                        type("", "data>"),
                        type("Hi", "data>"),
                        type(".", "is now also in the SMTP Lab web UI"),
                        type("/found 999", "is not your message's number there"),
                        type(FOUND, "Found: your message"),
                        type("QUTI", "Did you mean QUIT?"),
                        type("QUIT", "Lesson 7 finished"))),
                Arguments.of(7, "ja", List.of(
                        type("EHLO client.example.test", "250 CHUNKING"),
                        type("MAIL FROM:<you@example.test>", "250 2.1.0"),
                        type("RCPT TO:<friend@example.test>", "250 2.1.5"),
                        type("DATA", "354"),
                        type("Subject: Hello", "data>"),
                        type("", "data>"),
                        type("Hi", "data>"),
                        type(".", "SMTP Lab の Web UI にもコピーしました"),
                        type("/found 999", "はそこでのメッセージの番号ではありません"),
                        type(FOUND, "見つかりました"),
                        type("QUTI", "QUIT のことですか?"),
                        type("QUIT", "レッスン 7 を修了しました"))),
                Arguments.of(8, "en", List.of(
                        type("EHLO client.example.test", "250 CHUNKING"),
                        type("MAIL FROM:spammer@spam.test", "angle brackets"),
                        type("MAIL FROM:<spammer@spam.test>", "A 5xx at MAIL FROM"),
                        type("MAIL FROM:<you@example.test>", "after a refused MAIL FROM"),
                        type("RCPT TO:<nobody@example.test>", "no such user"),
                        type("RCPT TO:<someone@elsewhere.test>", "this server takes mail only for its own domains"),
                        type("RCPT TO:<full@example.test>", "a 4xx, so temporary"),
                        type("RCPT TO:<later@example.test>", "451 Greylisted: a server"),
                        type("RCPT TO:<later@example.test>", "451 to \"RCPT TO:<later@example.test>\""),
                        type(WAIT, ""),
                        type("RCPT TO:<later@example.test>", "Lesson 8 finished"))),
                Arguments.of(8, "ja", List.of(
                        type("EHLO client.example.test", "250 CHUNKING"),
                        type("MAIL FROM:spammer@spam.test", "山かっこ"),
                        type("MAIL FROM:<spammer@spam.test>", "MAIL FROM に 5xx"),
                        type("/explain", "恒久的な失敗: 同じコマンドは何度送っても失敗します"),
                        type("MAIL FROM:<you@example.test>", "MAIL FROM が拒否されても"),
                        type("RCPT TO:<nobody@example.test>", "そのようなユーザーはいません"),
                        type("RCPT TO:<someone@elsewhere.test>", "自分のドメインあてのメールしか"),
                        type("RCPT TO:<full@example.test>", "4xx なので一時的なエラー"),
                        type("RCPT TO:<later@example.test>", "451 Greylisted: 初めて見る"),
                        type("RCPT TO:<later@example.test>", "への 451: サーバー側の一時的なエラー"),
                        type(WAIT, ""),
                        type("RCPT TO:<later@example.test>", "レッスン 8 を修了しました"))),
                Arguments.of(9, "en", List.of(
                        type("EHLO client.example.test", "STARTTLS is there, AUTH is not"),
                        type("AUTH PLAIN AGxlYXJuZXIAbGV0LW1lLWlu", "not encrypted yet"),
                        type("/starttls", "TLS is on"),
                        type("/auth plain learner", "password:"),
                        type("let-me-in", "Lesson 9 finished"))),
                Arguments.of(9, "ja", List.of(
                        type("EHLO client.example.test", "STARTTLS はありますが、AUTH はありません"),
                        type("AUTH PLAIN AGxlYXJuZXIAbGV0LW1lLWlu", "まだ暗号化されていません"),
                        type("/starttls", "TLS が有効になり"),
                        type("/auth plain learner", "パスワード:"),
                        type("let-me-in", "レッスン 9 を修了しました"))));
    }

    @ParameterizedTest(name = "lesson {0} in {1}")
    @MethodSource("lessons")
    void a_learner_takes_the_lesson_with_a_wrong_attempt_at_each_step(int lesson, String language, List<Keys> script)
            throws Exception {
        Peers.program("tmux", "tmux");
        String command = String.join(" ", Peers.java(), "-jar", Peers.clientJar().toString(), "learn",
                Integer.toString(lesson), "--lang", language, "--data-dir", data.toString(), "--api",
                "http://127.0.0.1:" + webUi.port(), "; sleep 60");
        assertThat(tmux("new-session", "-d", "-s", TMUX_SESSION, "-x", "200", "-y", "50",
                "env TERM=xterm NO_COLOR=1 LANG=C.UTF-8 " + command)).isZero();
        awaitShown(language.equals("ja") ? "ステップ 1/" : "Step 1 of", 0);
        for (Keys keys : script) {
            if (keys.typed().equals(WAIT)) {
                TimeUnit.SECONDS.sleep(11);
                continue;
            }
            int before = occurrences(screen(), keys.shows());
            if (keys.typed().equals(FOUND)) {
                List<dev.smtplab.server.record.RecordedMessage> copied = lab.messages();
                assertThat(copied).as("the lesson's copy in the web UI's server").hasSize(1);
                assertThat(new String(copied.get(0).data(), StandardCharsets.UTF_8)).startsWith("Return-Path: <you@example.test>");
                keys = type("/found " + copied.get(0).id(), keys.shows());
            }
            if (keys.typed().equals(CTRL_C)) {
                // Pressed during a wait for the network, not at the prompt: no Enter after it.
                assertThat(tmux("send-keys", "-t", TMUX_SESSION, "C-c")).isZero();
                awaitShown(keys.shows(), before);
                continue;
            }
            if (!keys.typed().isEmpty()) {
                assertThat(tmux("send-keys", "-t", TMUX_SESSION, "-l", keys.typed())).isZero();
            }
            assertThat(tmux("send-keys", "-t", TMUX_SESSION, "Enter")).isZero();
            awaitShown(keys.shows(), before);
        }
        // As a person does: Ctrl-D once the prompt is back (a Ctrl-D typed while the terminal is between
        // two reads is the terminal driver's end-of-file, not a key the line editor sees).
        awaitPrompt();
        assertThat(tmux("send-keys", "-t", TMUX_SESSION, "C-d")).isZero();
        Path progress = data.resolve("learn/progress.properties");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !(Files.exists(progress)
                && Files.readString(progress).contains(".finished=true"))) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertThat(Files.readString(progress, StandardCharsets.UTF_8)).contains(".finished=true");
        boolean dialogue = lesson >= 4;
        if (dialogue) {
            // Ctrl-D leaves with QUIT (lesson 7 has sent it already): the 221, then the transcript is saved.
            awaitShown("221 2.0.0", 0);
        }
        Path transcripts = data.resolve("learn/transcripts");
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The folder is made just before the file is written: wait for the file.
        while (System.nanoTime() < deadline && (!Files.isDirectory(transcripts) || isEmpty(transcripts))) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        try (Stream<Path> saved = Files.list(transcripts)) {
            List<Path> files = saved.toList();
            assertThat(files).as("the lesson's transcript").hasSize(1);
            assertThat(Files.readString(files.get(0), StandardCharsets.UTF_8)).startsWith("# smtplab learn " + lesson)
                    .contains(dialogue ? "S: 220 mx.example.test" : "lesson$ ");
        }
    }

    @org.junit.jupiter.api.Test
    void the_readmes_command_with_no_number_starts_the_first_lesson_not_finished() throws Exception {
        Peers.program("tmux", "tmux");
        String launcher = Peers.root().resolve("smtplab").toString();
        assertThat(tmux("new-session", "-d", "-s", TMUX_SESSION, "-x", "200", "-y", "50",
                "env TERM=xterm NO_COLOR=1 LANG=C.UTF-8 " + launcher + " learn --data-dir " + data + "; sleep 60"))
                .isZero();
        awaitShown("Lesson 1: Connecting", 0);
        awaitShown("Step 1 of 3", 0);
        assertThat(tmux("send-keys", "-t", TMUX_SESSION, "-l", "/quit")).isZero();
        assertThat(tmux("send-keys", "-t", TMUX_SESSION, "Enter")).isZero();
        Path transcripts = data.resolve("learn/transcripts");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && (!Files.isDirectory(transcripts) || isEmpty(transcripts))) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        try (Stream<Path> saved = Files.list(transcripts)) {
            assertThat(saved.toList()).singleElement().asString().contains("lesson-1-");
        }
    }

    private static boolean isEmpty(Path folder) throws java.io.IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.findAny().map(file -> file.toFile().length() == 0).orElse(true);
        }
    }

    private void awaitPrompt() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!lastLine(screen()).matches("(smtp\\S*>|lesson\\$|data>)\\s*") && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(30);
        }
        assertThat(lastLine(screen())).as("the prompt, back at the bottom").matches("(smtp\\S*>|lesson\\$|data>)\\s*");
    }

    private static String lastLine(String screen) {
        List<String> lines = screen.lines().filter(line -> !line.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private void awaitShown(String text, int before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String screen = screen();
        while (occurrences(screen, text) <= before && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(30);
            screen = screen();
        }
        assertThat(occurrences(screen, text)).as("\"%s\" shown once more on the screen:%n%s", text, screen)
                .isGreaterThan(before);
    }

    private static int occurrences(String screen, String text) {
        int count = 0;
        for (int at = screen.indexOf(text); at >= 0; at = screen.indexOf(text, at + 1)) {
            count++;
        }
        return count;
    }

    private String screen() throws Exception {
        return Tmux.capture(TMUX_SESSION);
    }

    private static int tmux(String... args) throws Exception {
        return Tmux.run(args);
    }
}
