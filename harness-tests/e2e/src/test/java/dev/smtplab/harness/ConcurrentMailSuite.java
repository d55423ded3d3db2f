package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.scenario.SmtpStage;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A normal mail test suite, written as the README shows, run by {@link ConcurrentExtensionTest} in
 * JUnit's concurrent mode (not by Maven directly: its name does not end in Test). Each test must see
 * its own server only.
 */
class ConcurrentMailSuite {
    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create();

    @RepeatedTest(25)
    void the_static_extension_gives_each_concurrent_test_its_own_server(RepetitionInfo info) throws Exception {
        String subject = "static " + info.getCurrentRepetition();
        smtp.failNext(SmtpStage.RCPT, "451 4.7.1 Try again later");
        assertThat(send(smtp.port(), subject)).startsWith("451");
        assertThat(send(smtp.port(), subject)).startsWith("250");
        RecordedMessage message = smtp.takeMessage(Duration.ofSeconds(10));
        assertThat(message.subject()).contains(subject);
        assertThat(smtp.messages()).hasSize(1);
    }

    @RepeatedTest(25)
    void an_injected_server_is_the_test_s_own(FakeSmtpServer server, RepetitionInfo info) throws Exception {
        String subject = "injected " + info.getCurrentRepetition();
        assertThat(send(server.port(), subject)).startsWith("250");
        assertThat(server.takeMessage(Duration.ofSeconds(10)).subject()).contains(subject);
        assertThat(server.messages()).hasSize(1);
        assertThat(smtp.server()).isSameAs(server);
    }

    /** One message; returns the reply to RCPT when it refuses, else the reply to the final dot. */
    static String send(int port, String subject) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            in.readLine();
            String reply = null;
            for (String line : List.of("HELO client.test", "MAIL FROM:<app@example.test>", "RCPT TO:<bob@example.test>",
                    "DATA", "Subject: " + subject + "\r\n\r\nhello\r\n.", "QUIT")) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                reply = in.readLine();
                if (line.startsWith("RCPT") && !reply.startsWith("250")) {
                    return reply;
                }
                if (line.startsWith("Subject")) {
                    return reply;
                }
            }
            return reply;
        }
    }
}
