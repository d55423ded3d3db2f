package dev.smtplab.server;

import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.Personality;
import dev.smtplab.server.scenario.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A personality changes the server's words, not what it does: the greeting, the EHLO reply and every
 * positive reply in that server's texts, STARTTLS and AUTH offered only where this server can do them,
 * and refusals still the scenario's.
 */
class PersonalityTest {
    private FakeSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private FakeSmtpServer start(Scenario scenario) {
        server = FakeSmtpServer.builder().hostName("mx.example.test").scenario(scenario).build().start();
        return server;
    }

    @Test
    void exim_words_every_step_of_a_delivery_as_exim_does() throws Exception {
        start(Scenario.builder().personality(Personality.builtIn("exim")).build());
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).matches("220 mx\\.example\\.test ESMTP Exim 4\\.96 "
                    + "\\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000");
            // No STARTTLS: this server has no TLS, whatever Exim would offer.
            assertThat(smtp.command("EHLO client.example.test")).isEqualTo(String.join("\r\n",
                    "250-mx.example.test Hello client.example.test [127.0.0.1]", "250-SIZE 52428800", "250-8BITMIME",
                    "250-PIPELINING", "250-CHUNKING", "250-PRDR", "250 HELP"));
            assertThat(smtp.command("MAIL FROM:<a@example.test>")).isEqualTo("250 OK");
            assertThat(smtp.command("RCPT TO:<b@example.test>")).isEqualTo("250 Accepted");
            assertThat(smtp.command("DATA")).isEqualTo("354 Enter message, ending with \".\" on a line by itself");
            String accepted = smtp.command("Subject: hi\r\n\r\nhello\r\n.");
            RecordedMessage message = server.awaitMessage(m -> true, Duration.ofSeconds(5));
            assertThat(accepted).isEqualTo("250 OK id=" + message.id());
            assertThat(smtp.command("NOOP")).isEqualTo("250 OK");
            assertThat(smtp.command("RSET")).isEqualTo("250 Reset OK");
            assertThat(smtp.command("HELO other.example.test"))
                    .isEqualTo("250 mx.example.test Hello other.example.test [127.0.0.1]");
            assertThat(smtp.command("QUIT")).isEqualTo("221 mx.example.test closing connection");
        }
        // The transcript holds what was said, in the personality's words.
        assertThat(server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5)).transcript())
                .anySatisfy(line -> assertThat(line.text()).isEqualTo("250 Reset OK"));
    }

    @Test
    void gmail_ends_each_reply_with_the_sessions_own_trace_token() throws Exception {
        start(Scenario.builder().personality(Personality.builtIn("gmail")).build());
        String first;
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            first = smtp.reply();
            assertThat(first).matches("220 mx\\.example\\.test ESMTP [0-9a-f]+sm\\d+\\.\\d+ - gsmtp");
            String token = first.split(" ")[3];
            assertThat(smtp.command("EHLO c")).startsWith("250-mx.example.test at your service, [127.0.0.1]\r\n");
            assertThat(smtp.command("MAIL FROM:<a@example.test>")).isEqualTo("250 2.1.0 OK " + token + " - gsmtp");
            assertThat(smtp.command("RCPT TO:<b@example.test>")).isEqualTo("250 2.1.5 OK " + token + " - gsmtp");
            assertThat(smtp.command("DATA")).isEqualTo("354  Go ahead " + token + " - gsmtp");
            assertThat(smtp.command("hi\r\n.")).matches("250 2\\.0\\.0 OK  \\d+ " + java.util.regex.Pattern.quote(token)
                    + " - gsmtp");
            assertThat(smtp.command("RSET")).isEqualTo("250 2.1.5 Flushed " + token + " - gsmtp");
        }
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).isNotEqualTo(first);
        }
    }

    @Test
    void refusals_stay_the_scenarios_and_sendmail_echoes_the_addresses() throws Exception {
        start(Scenario.builder().personality(Personality.builtIn("sendmail"))
                .preset("unknown-recipient:addresses=nobody@*").build());
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).startsWith("220 mx.example.test ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2; ");
            assertThat(smtp.command("EHLO c.example.test")).startsWith(
                    "250-mx.example.test Hello c.example.test [127.0.0.1], pleased to meet you\r\n");
            assertThat(smtp.command("MAIL FROM:<a@example.test>")).isEqualTo("250 2.1.0 <a@example.test>... Sender ok");
            assertThat(smtp.command("RCPT TO:<nobody@example.test>")).startsWith("550 5.1.1 <nobody@example.test>");
            assertThat(smtp.command("RCPT TO:<b@example.test>"))
                    .isEqualTo("250 2.1.5 <b@example.test>... Recipient ok");
        }
    }

    @Test
    void auth_is_offered_in_the_personalitys_words_only_where_a_login_would_be_taken() throws Exception {
        Personality withAuth = new Personality("custom", "220 {hostname} ready", List.of("{hostname}", "AUTH PLAIN",
                "STARTTLS", "8BITMIME"), Map.of(Personality.Reply.MAIL, "250 sender fine"));
        start(Scenario.builder().personality(withAuth).build());
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).isEqualTo("220 mx.example.test ready");
            assertThat(smtp.command("EHLO c")).isEqualTo("250-mx.example.test\r\n250 8BITMIME");
            assertThat(smtp.command("MAIL FROM:<a@example.test>")).isEqualTo("250 sender fine");
            // What the personality does not word stays SMTP Lab's own.
            assertThat(smtp.command("RCPT TO:<b@example.test>")).isEqualTo("250 2.1.5 Ok");
        }
        server.stop();
        server = FakeSmtpServer.builder().hostName("mx.example.test").authUser("u", "p").allowPlaintextAuth()
                .scenario(Scenario.builder().personality(withAuth).build()).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.command("EHLO c")).isEqualTo("250-mx.example.test\r\n250-AUTH PLAIN\r\n250 8BITMIME");
        }
    }

    @Test
    void a_personality_with_its_own_ehlo_over_tls_offers_auth_there_only() throws Exception {
        Personality recorded = new Personality("recorded", "220 {hostname} ESMTP", List.of("{hostname}", "STARTTLS",
                "8BITMIME"), List.of("{hostname}", "AUTH PLAIN LOGIN", "8BITMIME"), Map.of(), Map.of());
        server = FakeSmtpServer.builder().hostName("mx.example.test").authAcceptAny()
                .tls(dev.smtplab.server.tls.TlsMaterial.ephemeral("mx.example.test"))
                .scenario(Scenario.builder().personality(recorded).build()).build().start();
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", server.port())) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(plain.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            var out = plain.getOutputStream();
            assertThat(in.readLine()).isEqualTo("220 mx.example.test ESMTP");
            out.write("EHLO c\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(List.of(in.readLine(), in.readLine(), in.readLine()))
                    .containsExactly("250-mx.example.test", "250-STARTTLS", "250 8BITMIME");
            out.write("STARTTLS\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("220");
            javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory()
                    .createSocket(plain, "localhost", server.port(), true);
            tls.startHandshake();
            var tlsIn = new java.io.BufferedReader(new java.io.InputStreamReader(tls.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            tls.getOutputStream().write("EHLO c\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(List.of(tlsIn.readLine(), tlsIn.readLine(), tlsIn.readLine()))
                    .containsExactly("250-mx.example.test", "250-AUTH PLAIN LOGIN", "250 8BITMIME");
        }
    }

    @Test
    void a_personality_switched_while_the_server_runs_applies_to_the_next_reply() throws Exception {
        start(Scenario.none());
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).isEqualTo("220 mx.example.test ESMTP SMTP Lab");
            assertThat(smtp.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            server.setScenario(server.scenario().withPersonality(Personality.builtIn("exim")));
            assertThat(smtp.command("NOOP")).isEqualTo("250 OK");
            server.setScenario(server.scenario().withPersonality(null));
            assertThat(smtp.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void recorded_timing_as_rules_makes_a_reply_and_a_refusal_come_as_late_as_recorded() throws Exception {
        Personality timed = new Personality("timed", null, List.of(), Map.of(),
                Map.of(dev.smtplab.server.scenario.SmtpStage.RCPT, Duration.ofMillis(300)));
        start(Scenario.builder().personality(timed).preset("unknown-recipient:addresses=nobody@*")
                .rulesFirst(timed.timingRules()).build());
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO c");
            smtp.command("MAIL FROM:<a@example.test>");
            long started = System.nanoTime();
            assertThat(smtp.command("RCPT TO:<nobody@example.test>")).startsWith("550 5.1.1");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            started = System.nanoTime();
            assertThat(smtp.command("RCPT TO:<b@example.test>")).startsWith("250");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void the_lenient_mode_keeps_subethasmtps_words() throws Exception {
        server = FakeSmtpServer.builder().hostName("mx.example.test").lenient()
                .scenario(Scenario.builder().personality(Personality.builtIn("exim")).build()).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            assertThat(smtp.reply()).isEqualTo("220 mx.example.test ESMTP SMTP Lab");
        }
    }
}
