package dev.smtplab.client.record;

import dev.smtplab.client.protocol.Reply;
import dev.smtplab.server.scenario.Personality;
import dev.smtplab.server.scenario.RulesFile;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.SmtpStage;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recording keeps the server's words but for what belongs to one session, and its file is a rules
 * file the server reads back into the same personality and refusals.
 */
class RecordingTest {
    private static final Recording.Session SESSION = new Recording.Session("client.example.test", "192.0.2.7");
    private static final Duration MS = Duration.ofMillis(12);

    private static Scenario readBack(Recording recording) {
        return RulesFile.parse(new StringReader(recording.yaml("test")), "recording.yaml");
    }

    @Test
    void exims_session_values_become_placeholders_and_read_back_as_a_personality() {
        Recording recording = new Recording("mx.example.test:25");
        recording.greeting(Reply.of(220, "mx.example.test ESMTP Exim 4.96 Sun, 06 Dec 2026 01:20:00 +0000"), MS,
                new Recording.Session(null, "192.0.2.7"));
        recording.reply("EHLO", null, Reply.of(250, "mx.example.test Hello client.example.test [192.0.2.7]",
                "SIZE 52428800", "PIPELINING", "STARTTLS", "HELP"), MS, false, SESSION);
        recording.reply("EHLO", null, Reply.of(250, "mx.example.test Hello client.example.test [192.0.2.7]",
                "SIZE 52428800", "AUTH PLAIN"), MS, true, SESSION);
        recording.reply("MAIL", "a@example.org", Reply.of(250, "OK"), MS, true, SESSION);
        recording.reply("RCPT", "b@example.test", Reply.of(250, "Accepted"), MS, true, SESSION);
        recording.reply("DATA", null, Reply.of(354, "Enter message, ending with \".\" on a line by itself"), MS, true,
                SESSION);
        recording.messageReply(Reply.of(250, "OK id=1plPfC-0000KN-Tg"), MS, SESSION);
        recording.reply("QUIT", null, Reply.of(221, "mx.example.test closing connection"), MS, true, SESSION);

        Personality personality = readBack(recording).personality().orElseThrow();
        assertThat(personality.name()).isEqualTo("mx.example.test:25");
        assertThat(personality.hostName()).isEqualTo("mx.example.test");
        assertThat(personality.greeting()).isEqualTo("220 mx.example.test ESMTP Exim 4.96 {date}");
        // The EHLO reply before TLS, with STARTTLS; and the one after, which differs (AUTH only over TLS).
        assertThat(personality.ehlo()).containsExactly("mx.example.test Hello {helo} [{client}]", "SIZE 52428800",
                "PIPELINING", "STARTTLS", "HELP");
        assertThat(personality.ehloOverTls()).containsExactly("mx.example.test Hello {helo} [{client}]",
                "SIZE 52428800", "AUTH PLAIN");
        assertThat(personality.offersAuth()).isTrue();
        assertThat(personality.replies()).containsEntry(Personality.Reply.MAIL, "250 OK")
                .containsEntry(Personality.Reply.RCPT, "250 Accepted")
                .containsEntry(Personality.Reply.MESSAGE, "250 OK id={id}")
                .containsEntry(Personality.Reply.QUIT, "221 mx.example.test closing connection");
        assertThat(personality.timing()).containsEntry(SmtpStage.CONNECT, MS).containsEntry(SmtpStage.MAIL, MS);
    }

    @Test
    void postfix_and_sendmail_queue_ids_and_echoed_addresses_are_placeholders_but_other_names_are_not() {
        Recording postfix = new Recording("postfix");
        postfix.greeting(Reply.of(220, "mx.example.test ESMTP Postfix"), MS, SESSION);
        postfix.messageReply(Reply.of(250, "2.0.0 Ok: queued as 4XyZ9b21"), MS, SESSION);
        assertThat(readBack(postfix).personality().orElseThrow().replies())
                .containsEntry(Personality.Reply.MESSAGE, "250 2.0.0 Ok: queued as {id}");

        Recording sendmail = new Recording("sendmail");
        sendmail.greeting(Reply.of(220, "mx.example.test ESMTP Sendmail"), MS, SESSION);
        sendmail.reply("MAIL", "a@example.org", Reply.of(250, "2.1.0 <a@example.org>... Sender ok"), MS, false, SESSION);
        sendmail.messageReply(Reply.of(250, "2.0.0 5B6H1abc012345 Message accepted for delivery"), MS, SESSION);
        // The helo name inside a longer name stays as it is.
        sendmail.reply("HELO", null, Reply.of(250, "mx.example.test Hello client.example.test.evil [192.0.2.7]"), MS,
                false, SESSION);
        assertThat(readBack(sendmail).personality().orElseThrow().replies())
                .containsEntry(Personality.Reply.MAIL, "250 2.1.0 <{address}>... Sender ok")
                .containsEntry(Personality.Reply.MESSAGE, "250 2.0.0 {id} Message accepted for delivery")
                .containsEntry(Personality.Reply.HELO, "250 mx.example.test Hello client.example.test.evil [{client}]");
    }

    @Test
    void refusals_of_addresses_become_rules_and_the_first_refusal_of_each_address_is_kept() {
        Recording recording = new Recording("mx");
        recording.greeting(Reply.of(220, "mx ready"), MS, SESSION);
        recording.reply("MAIL", "bad@invalid.test", Reply.of(554, "5.7.1 <bad@invalid.test>: Sender address rejected"),
                MS, false, SESSION);
        recording.reply("RCPT", "nobody@example.test", Reply.of(550, "5.1.1 <nobody@example.test>: User unknown",
                "Please check the address"), MS, false, SESSION);
        recording.reply("RCPT", "Nobody@Example.test", Reply.of(450, "4.2.0 later"), MS, false, SESSION);

        Scenario scenario = readBack(recording);
        assertThat(scenario.rules()).extracting(rule -> rule.id() + " " + rule.stage().key())
                .containsExactly("recorded-mail-1 mail", "recorded-rcpt-1 rcpt");
        assertThat(scenario.rules().get(1).effect().toString()).contains("550", "User unknown",
                "Please check the address");
    }

    @Test
    void a_server_that_refuses_at_the_greeting_is_recorded_as_a_connect_rule() {
        Recording recording = new Recording("mx");
        recording.greeting(Reply.of(554, "5.7.1 mx: Connection rejected", "Go away"), MS, SESSION);
        Scenario scenario = readBack(recording);
        assertThat(scenario.personality()).isEmpty();
        assertThat(scenario.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.stage()).isEqualTo(SmtpStage.CONNECT);
            assertThat(rule.effect().toString()).contains("554", "Go away");
        });
    }

    @Test
    void quoting_keeps_quotes_backslashes_and_control_characters() {
        Recording recording = new Recording("a \"quoted\" \\ name\t");
        recording.greeting(Reply.of(220, "mx \"ready\" \\o/"), MS, SESSION);
        Personality personality = readBack(recording).personality().orElseThrow();
        assertThat(personality.name()).isEqualTo("a \"quoted\" \\ name\t");
        assertThat(personality.greeting()).isEqualTo("220 mx \"ready\" \\o/");
        assertThat(Recording.quote("é\u0001")).isEqualTo("\"é\\u0001\"");
        assertThat(List.of(RelayedSession.address("MAIL", "MAIL FROM:<a@b.test> SIZE=10"),
                RelayedSession.address("RCPT", "RCPT TO: c@d.test"))).containsExactly("a@b.test", "c@d.test");
    }
}
