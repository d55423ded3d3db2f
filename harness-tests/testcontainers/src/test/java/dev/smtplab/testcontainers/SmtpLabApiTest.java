package dev.smtplab.testcontainers;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.web.WebAccess;
import dev.smtplab.server.web.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API client against SMTP Lab's real web server, in this JVM: the same server the image runs. */
class SmtpLabApiTest {
    private FakeSmtpServer smtp;
    private WebServer web;
    private SmtpLabApi api;

    @BeforeEach
    void start() {
        smtp = FakeSmtpServer.builder().build().start();
        web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, WebAccess.local()).start();
        api = SmtpLabApi.at("http://127.0.0.1:" + web.port() + "/");
    }

    @AfterEach
    void stop() {
        web.stop();
        smtp.stop();
    }

    /** Sends a message the way any client would, and returns the last reply. */
    static String send(int port, String to, String content) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            String reply = reply(in);
            for (String line : List.of("EHLO app.test", "MAIL FROM:<shop@example.test>", "RCPT TO:<" + to + ">", "DATA",
                    content + "\r\n.", "QUIT")) {
                out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                reply = reply(in);
                if (!reply.startsWith("2") && !reply.startsWith("3")) {
                    return reply;
                }
            }
            return reply;
        }
    }

    private static String reply(BufferedReader in) throws Exception {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    @Test
    void a_wait_returns_the_message_when_it_arrives_and_messages_lists_it() throws Exception {
        CompletableFuture<ReceivedMessage> waiting = CompletableFuture.supplyAsync(() ->
                api.awaitMessage("bob@example.test", Duration.ofSeconds(10)));
        send(smtp.port(), "bob@example.test", "Subject: Welcome\r\n\r\nConfirm: https://shop.test/c?t=1&amp;u=2 code 482913");

        ReceivedMessage message = waiting.get();
        assertThat(message.to()).containsExactly("bob@example.test");
        assertThat(message.from()).isEqualTo("shop@example.test");
        assertThat(message.subject()).isEqualTo("Welcome");
        assertThat(api.messages()).containsExactly(message);
        assertThat(new String(api.raw(message.id()), StandardCharsets.UTF_8)).startsWith("Subject: Welcome\r\n");
        assertThat(api.codes(message.id())).containsExactly("482913");
        assertThat(api.links(message.id())).containsExactly("https://shop.test/c?t=1&amp;u=2");
    }

    @Test
    void a_wait_that_times_out_says_so_with_408() {
        assertThatThrownBy(() -> api.awaitMessage("nobody@example.test", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(SmtpLabApiException.class, e -> assertThat(e.status()).isEqualTo(408))
                .hasMessage("no message to nobody@example.test arrived within 1 s; the server holds 0 message(s)");
        assertThatThrownBy(() -> api.awaitMessage("x", Duration.ofSeconds(301)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a wait lasts 0 to 300 s, not 301 s");
    }

    @Test
    void presets_and_rules_change_what_the_server_answers_and_reset_undoes_them() throws Exception {
        api.preset("unknown-recipient", "addresses=bob@example.test");
        assertThat(send(smtp.port(), "bob@example.test", "Subject: x\r\n\r\nx")).startsWith("550");
        api.resetFailures();
        api.addRule("{\"id\":\"no-carol\",\"stage\":\"rcpt\",\"match\":{\"recipient\":\"carol@*\"},"
                + "\"effect\":{\"reply\":\"452 4.2.2 Mailbox full\"}}");
        assertThat(send(smtp.port(), "carol@example.test", "Subject: x\r\n\r\nx")).isEqualTo("452 4.2.2 Mailbox full");
        assertThat(send(smtp.port(), "bob@example.test", "Subject: x\r\n\r\nx")).startsWith("221");
        api.deleteMessages();
        assertThat(api.messages()).isEmpty();
    }

    @Test
    void errors_from_the_api_carry_its_message() {
        assertThatThrownBy(() -> api.preset("no-such-preset"))
                .isInstanceOfSatisfying(SmtpLabApiException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageStartingWith("PUT /api/v1/failure-modes/presets/no-such-preset answered 404: ");
        assertThatThrownBy(() -> api.addRule("{not json"))
                .isInstanceOfSatisfying(SmtpLabApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> api.raw("999")).hasMessage("GET /api/v1/messages/999/raw answered 404: "
                + "message 999 not found");
        assertThatThrownBy(() -> SmtpLabApi.at("127.0.0.1:8025")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an http(s) URL of an SMTP Lab web UI: 127.0.0.1:8025");
        SmtpLabApi nowhere = SmtpLabApi.at("http://127.0.0.1:1");
        assertThatThrownBy(nowhere::messages).isInstanceOfSatisfying(SmtpLabApiException.class,
                e -> assertThat(e.status()).isZero()).hasMessageStartingWith("cannot reach the SMTP Lab API at "
                + "http://127.0.0.1:1: ");
    }
}
