package dev.smtplab.client.record;

import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.TlsSettings;
import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.scenario.Personality;
import dev.smtplab.server.scenario.RulesFile;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The recording proxy in this JVM, between our client and a fake server with TLS: what it relays and writes. */
class RecordingProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path folder;
    private FakeSmtpServer upstream;
    private RecordingProxy proxy;
    // Written by the proxy's threads while the test reads it: iterating takes a snapshot.
    private final List<String> shown = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.stop();
        }
    }

    private Path start(boolean noData) throws IOException {
        Path upstreamCa = folder.resolve("upstream");
        upstream = FakeSmtpServer.builder().hostName("mx.example.test").tls(TlsMaterial.localCa(upstreamCa, "localhost"))
                .authUser("alice", "s3cret").scenario(dev.smtplab.server.scenario.Scenario.builder()
                        .personality(Personality.builtIn("exim")).build()).build().start();
        TlsSettings upstreamTls = new TlsSettings(upstreamCa.resolve("ca.pem"), false);
        Upstream opener = new Upstream() {
            @Override
            public SmtpConnection open() throws IOException {
                return SmtpConnection.connect("localhost", upstream.port(), WAIT, WAIT);
            }

            @Override
            public void startTls(SmtpConnection connection) throws IOException {
                connection.startTls(upstreamTls);
            }
        };
        Path file = folder.resolve("recording.yaml");
        proxy = new RecordingProxy(0, opener, new Recording("mx.example.test:25"), file, "test", TlsMaterial.localCa(
                folder.resolve("proxy"), "localhost").sslContext(), noData, shown::add);
        Thread serving = new Thread(proxy::serve);
        serving.setDaemon(true);
        serving.start();
        return file;
    }

    private SmtpConnection client() throws IOException {
        return SmtpConnection.connect("localhost", proxy.port(), WAIT, WAIT);
    }

    @Test
    void starttls_is_ours_to_the_client_and_checked_to_the_server_and_a_login_is_never_written() throws Exception {
        Path file = start(false);
        try (SmtpConnection smtp = client()) {
            assertThat(smtp.readReply().text()).startsWith("mx.example.test ESMTP Exim 4.96");
            assertThat(smtp.command("EHLO client.example.test").lines()).contains("STARTTLS").doesNotContain("CHUNKING");
            assertThat(smtp.command("STARTTLS").code()).isEqualTo(220);
            // The client checks the proxy's certificate against the proxy's local CA, as a user would trust it.
            smtp.startTls(new TlsSettings(folder.resolve("proxy/ca.pem"), false));
            assertThat(smtp.command("EHLO client.example.test").lines()).contains("AUTH PLAIN LOGIN");
            assertThat(smtp.command("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(
                    "\0alice\0s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8))).code()).isEqualTo(235);
            assertThat(smtp.command("MAIL FROM:<alice@example.test>").wireText()).isEqualTo("250 OK");
            assertThat(smtp.command("RCPT TO:<bob@example.test>").code()).isEqualTo(250);
            assertThat(smtp.command("DATA").code()).isEqualTo(354);
            smtp.sendBytes("Subject: hi\r\n\r\nhello\r\n.\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Reply accepted = smtp.readReply();
            assertThat(accepted.wireText()).startsWith("250 OK id=");
            smtp.command("QUIT");
        }
        assertThat(upstream.awaitMessage(message -> true, WAIT).acceptedRecipients()).containsExactly("bob@example.test");
        proxy.close();
        String recording = Files.readString(file);
        assertThat(recording).doesNotContain("s3cret").doesNotContain("AGFsaWNl");
        assertThat(String.join("\n", shown)).contains("~> AUTH PLAIN ****").doesNotContain("AGFsaWNl")
                .contains("== TLS on both sides");
        Personality personality = RulesFile.read(file).personality().orElseThrow();
        assertThat(personality.ehloOverTls()).contains("AUTH PLAIN LOGIN");
        assertThat(personality.replies()).containsEntry(Personality.Reply.MESSAGE, "250 OK id={id}")
                .containsEntry(Personality.Reply.AUTH, "235 Authentication succeeded");
    }

    @Test
    void a_client_that_leaves_in_the_middle_of_the_message_delivers_nothing_even_after_a_bare_dot() throws Exception {
        start(false);
        try (SmtpConnection smtp = client()) {
            smtp.readReply();
            smtp.command("EHLO client.example.test");
            smtp.command("MAIL FROM:<alice@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            assertThat(smtp.command("DATA").code()).isEqualTo(354);
            // The end of data is CRLF.CRLF; a "." the connection cuts before its CRLF ends nothing.
            smtp.sendBytes("Subject: cut\r\n\r\nhalf\r\n.".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (shown.stream().noneMatch(line -> line.contains("the session ended")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(shown).anySatisfy(line -> assertThat(line).contains("in the middle of the message"));
        proxy.close();
        upstream.awaitSession(session -> session.ended().isPresent(), WAIT);
        assertThat(upstream.messages()).isEmpty();
    }

    @Test
    void no_data_refuses_data_itself_so_nothing_is_delivered() throws Exception {
        start(true);
        try (SmtpConnection smtp = client()) {
            smtp.readReply();
            smtp.command("EHLO client.example.test");
            smtp.command("MAIL FROM:<alice@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            assertThat(smtp.command("DATA").wireText()).isEqualTo("554 5.3.0 Not relayed: smtplab record --no-data "
                    + "stops before DATA, so nothing is delivered");
            assertThat(smtp.command("RSET").code()).isEqualTo(250);
            smtp.command("QUIT");
        }
        proxy.close();
        assertThat(upstream.messages()).isEmpty();
    }
}
