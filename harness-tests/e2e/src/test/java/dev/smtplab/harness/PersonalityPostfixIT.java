package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.scenario.Personality;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The postfix personality against the real thing: the same dialogues sent to a real Postfix (on a
 * loopback port, configured as Debian ships it) and to SMTP Lab with --personality postfix must
 * get the same replies, word for word, greeting and EHLO included; only the queue id differs.
 */
@Timeout(120)
class PersonalityPostfixIT {
    private static PostfixPeer postfix;
    private static FakeSmtpServer lab;

    @BeforeAll
    static void start() throws Exception {
        postfix = PostfixPeer.start();
        lab = FakeSmtpServer.builder().hostName("postfix.example.test")
                .tls(TlsMaterial.localCa(Files.createTempDirectory("smtplab-ca"), "postfix.example.test"))
                .scenario(Scenario.builder().personality(Personality.builtIn("postfix")).build()).build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
        if (lab != null) {
            lab.stop();
        }
    }

    private static List<String> masked(List<String> replies) {
        return replies.stream().map(reply -> reply.replaceFirst("queued as [0-9A-Za-z]+", "queued as ID")).toList();
    }

    private static void sameReplies(List<String> lines) throws Exception {
        List<String> real = masked(Dialogues.wholeReplies(postfix.port(), lines));
        List<String> fake = masked(Dialogues.wholeReplies(lab.port(), lines));
        assertThat(fake).as("SMTP Lab with --personality postfix, against Postfix").isEqualTo(real);
    }

    @Test
    void a_whole_delivery_is_worded_as_postfix_words_it() throws Exception {
        sameReplies(List.of("EHLO client.example.test", "MAIL FROM:<alice@example.org>", "RCPT TO:<root@example.test>",
                "DATA", "Subject: hello", "", "body", ".", "RSET", "NOOP", "QUIT"));
    }

    @Test
    void helo_a_second_transaction_and_starttls_are_worded_alike() throws Exception {
        sameReplies(List.of("HELO client.example.test", "MAIL FROM:<alice@example.org>",
                "RCPT TO:<root@example.test>", "DATA", "one", ".", "MAIL FROM:<>", "RCPT TO:<root@example.test>",
                "DATA", "two", ".", "QUIT"));
        // STARTTLS's 220; the test ends the connection there, before any handshake.
        List<String> real = Dialogues.wholeReplies(postfix.port(), List.of("EHLO client.example.test", "STARTTLS"));
        List<String> fake = Dialogues.wholeReplies(lab.port(), List.of("EHLO client.example.test", "STARTTLS"));
        assertThat(fake).isEqualTo(real);
        assertThat(real.get(2)).isEqualTo("220 2.0.0 Ready to start TLS");
    }
}
