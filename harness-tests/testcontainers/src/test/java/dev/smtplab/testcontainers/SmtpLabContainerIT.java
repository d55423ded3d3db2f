package dev.smtplab.testcontainers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static dev.smtplab.testcontainers.SmtpLabApiTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SmtpLabContainer for real: Testcontainers against Debian's podman through its Docker-compatible
 * socket, running the image built from docker/Dockerfile. Every port is reached on 127.0.0.1.
 */
class SmtpLabContainerIT {
    private static SmtpLabContainer smtp;

    @BeforeAll
    static void start() throws Exception {
        Podman.shared();
        smtp = new SmtpLabContainer(Podman.IMAGE);
        smtp.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void a_message_sent_to_the_mapped_port_is_found_through_the_api() throws Exception {
        assertThat(smtp.smtpHost()).isEqualTo("127.0.0.1");
        assertThat(smtp.apiUrl()).isEqualTo("http://127.0.0.1:" + smtp.getMappedPort(SmtpLabContainer.WEB_PORT));

        assertThat(send(smtp.smtpPort(), "bob@example.test", "Subject: From the test\r\n\r\nCode: 731904"))
                .startsWith("221");

        ReceivedMessage message = smtp.awaitMessage("bob@example.test", Duration.ofSeconds(10));
        assertThat(message.subject()).isEqualTo("From the test");
        assertThat(message.from()).isEqualTo("shop@example.test");
        assertThat(smtp.api().codes(message.id())).containsExactly("731904");
        assertThat(new String(smtp.api().raw(message.id()), StandardCharsets.UTF_8)).contains("Code: 731904");
        assertThat(smtp.messages()).extracting(ReceivedMessage::id).contains(message.id());
    }

    @Test
    void failure_modes_are_set_through_the_api_and_reset() throws Exception {
        smtp.preset("unknown-recipient", "addresses=carol@example.test");
        assertThat(send(smtp.smtpPort(), "carol@example.test", "Subject: x\r\n\r\nx")).startsWith("550 5.1.1");
        smtp.resetFailures().addRule("{\"id\":\"full\",\"stage\":\"rcpt\",\"match\":{\"recipient\":\"dave@*\"},"
                + "\"effect\":{\"reply\":\"452 4.2.2 Mailbox full\"}}");
        assertThat(send(smtp.smtpPort(), "dave@example.test", "Subject: x\r\n\r\nx")).isEqualTo("452 4.2.2 Mailbox full");
        smtp.resetFailures();
        assertThat(send(smtp.smtpPort(), "carol@example.test", "Subject: x\r\n\r\nx")).startsWith("221");
    }

    @Test
    void a_preset_from_the_start_and_a_wait_that_times_out() throws Exception {
        try (SmtpLabContainer refusing = new SmtpLabContainer(Podman.IMAGE)
                .withPreset("unknown-recipient:addresses=erin@example.test")) {
            refusing.start();
            assertThat(send(refusing.smtpPort(), "erin@example.test", "Subject: x\r\n\r\nx")).startsWith("550");
            assertThatThrownBy(() -> refusing.awaitMessage("erin@example.test", Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(SmtpLabApiException.class, e -> assertThat(e.status()).isEqualTo(408))
                    .hasMessage("no message to erin@example.test arrived within 1 s; the server holds 0 message(s)");
        }
        assertThatThrownBy(() -> new SmtpLabContainer(Podman.IMAGE).withPreset("greylist retry-after=5s"))
                .hasMessage("a preset is one word with its parameters, without spaces: \"greylist retry-after=5s\"");
    }
}
