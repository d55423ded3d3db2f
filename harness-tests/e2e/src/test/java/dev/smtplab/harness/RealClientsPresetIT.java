package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Independent clients (swaks, curl, Python's smtplib, msmtp) against our server: plain, with
 * STARTTLS and AUTH (msmtp), and against failure presets, where each sees the reply the preset promises.
 */
@Timeout(120)
class RealClientsPresetIT {
    @TempDir
    Path data;
    private FakeSmtpServer server;

    @BeforeEach
    void start() {
        server = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")).authUser("alice", "s3cret")
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private String run(List<String> command, String stdin) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return "exit " + process.exitValue() + "\n" + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private String send(String client) throws Exception {
        String port = Integer.toString(server.port());
        String message = "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: via " + client + "\r\n\r\nhello\r\n";
        return switch (client) {
            case "swaks" -> run(List.of(Peers.program("swaks", "swaks").toString(), "--server", "127.0.0.1:" + port,
                    "--from", "alice@example.test", "--to", "bob@example.test", "--header", "Subject: via swaks"), "");
            case "curl" -> {
                Path file = data.resolve("message.eml");
                Files.writeString(file, message);
                yield run(List.of(Peers.program("curl", "curl").toString(), "-sS", "-v", "smtp://127.0.0.1:" + port + "/client.test",
                        "--mail-from", "alice@example.test", "--mail-rcpt", "bob@example.test", "-T", file.toString()), "");
            }
            case "python" -> run(List.of(Peers.python(), "-c", String.join("\n",
                    "import smtplib, sys",
                    "try:",
                    "    with smtplib.SMTP('127.0.0.1', " + port + ", timeout=10) as smtp:",
                    "        smtp.sendmail('alice@example.test', ['bob@example.test'], sys.stdin.read())",
                    "    print('ok')",
                    "except smtplib.SMTPRecipientsRefused as e:",
                    "    for code, text in e.recipients.values():",
                    "        print('refused', code, text.decode())",
                    "    sys.exit(1)",
                    "except smtplib.SMTPResponseException as e:",
                    "    print('refused', e.smtp_code, e.smtp_error.decode())",
                    "    sys.exit(1)")), message);
            case "msmtp" -> run(List.of(Peers.program("msmtp", "msmtp").toString(), "--host=127.0.0.1", "--port=" + port,
                    "--from=alice@example.test", "--auth=on", "--user=alice", "--passwordeval=echo s3cret", "--tls=on",
                    "--tls-starttls=on", "--tls-trust-file=" + data.resolve("ca.pem"), "bob@example.test"), message);
            default -> throw new IllegalArgumentException(client);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"swaks", "curl", "python", "msmtp"})
    void client_sends_and_the_server_has_the_message(String client) throws Exception {
        String output = send(client);
        assertThat(output).as(output).startsWith("exit 0");
        var message = server.takeMessage(Duration.ofSeconds(10));
        assertThat(message.subject()).contains("via " + client);
        if (client.equals("msmtp")) {
            assertThat(message.overTls()).isTrue();
            assertThat(message.authUser()).contains("alice");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"swaks", "curl", "python", "msmtp"})
    void client_sees_the_reply_the_unknown_recipient_preset_promises(String client) throws Exception {
        server.setScenario(Scenario.builder().preset("unknown-recipient").build());
        String output = send(client);
        assertThat(output).as(output).doesNotStartWith("exit 0")
                .contains("550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown in local recipient table");
        assertThat(server.messages()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"swaks", "curl", "python", "msmtp"})
    void client_sees_the_reply_the_spam_rejected_preset_promises(String client) throws Exception {
        server.setScenario(Scenario.builder().preset("spam-rejected").build());
        String output = send(client);
        assertThat(output).as(output).doesNotStartWith("exit 0").contains("554 5.7.1 Message rejected as spam by content filter");
    }

    /** swaks --pipeline sends MAIL, RCPT and DATA in one go (RFC 2920) when EHLO offers PIPELINING. */
    @org.junit.jupiter.api.Test
    void swaks_pipelines_when_pipelining_is_offered_and_gets_the_replies_in_order() throws Exception {
        String output = run(List.of(Peers.program("swaks", "swaks").toString(), "--server", "127.0.0.1:"
                + server.port(), "--pipeline", "--from", "alice@example.test", "--to", "bob@example.test,carol@example.test",
                "--header", "Subject: pipelined"), "");
        assertThat(output).as(output).startsWith("exit 0").contains("250-PIPELINING")
                .containsPattern("-> MAIL FROM:<alice@example.test>\\s+-> RCPT TO:<bob@example.test>\\s+-> RCPT "
                        + "TO:<carol@example.test>\\s+-> DATA\\s+<-\\s+250 2.1.0 Ok\\s+<-\\s+250 2.1.5 Ok\\s+<-\\s+250 "
                        + "2.1.5 Ok\\s+<-\\s+354");
        assertThat(server.takeMessage(Duration.ofSeconds(10)).acceptedRecipients())
                .containsExactly("bob@example.test", "carol@example.test");
    }
}
