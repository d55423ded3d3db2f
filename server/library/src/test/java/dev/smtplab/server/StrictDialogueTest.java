package dev.smtplab.server;

import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The strict (default) mode answers malformed commands as Postfix 3.7 does (the replies are
 * Postfix's, taken from a real one on a loopback port); the lenient mode accepts them as before.
 */
class StrictDialogueTest {
    private FakeSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Sends EHLO, then each command, and returns the reply to the last. */
    private String lastReply(FakeSmtpServer.Builder builder, String... commands) throws Exception {
        server = builder.build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            String reply = null;
            for (String command : commands) {
                reply = smtp.command(command);
            }
            return reply;
        }
    }

    @ParameterizedTest(name = "{0} | {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            -                     | MAIL FROM:<root@example.test           | 501 5.1.7 Bad sender address syntax
            -                     | MAIL FROM:<a@b.test> FOO=bar           | 555 5.5.4 Unsupported option: FOO=bar
            -                     | MAIL FROM:<a@b.test> SIZE=abc          | 501 5.5.4 Bad message size syntax
            -                     | MAIL FROM:<a@b.test> SIZE=-1           | 501 5.5.4 Bad message size syntax
            -                     | MAIL FROM:<alice>                      | 504 5.5.2 <alice>: Sender address rejected: need fully-qualified address
            -                     | MAIL FROM:<a@b.test> SIZE=999999999999 | 552 5.3.4 Message size exceeds fixed limit
            -                     | MAIL FROM:<a@b.test> BODY=foo          | 555 5.5.4 Unsupported option: BODY=foo
            -                     | MAIL FROM:<a@b.test> BODY=8BITMIME     | 250 2.1.0 Ok
            -                     | MAIL FROM:a@b.test                     | 250 2.1.0 Ok
            -                     | MAIL FROM:<>                           | 250 2.1.0 Ok
            MAIL FROM:<a@b.test>  | MAIL FROM:<c@d.test>                   | 503 5.5.1 Error: nested MAIL command
            -                     | RCPT TO:<root@example.test>            | 503 5.5.1 Error: need MAIL command
            MAIL FROM:<a@b.test>  | RCPT TO:<root@example.test             | 501 5.1.3 Bad recipient address syntax
            MAIL FROM:<a@b.test>  | RCPT TO:<root@example.test> FOO=bar    | 555 5.5.4 Unsupported option: FOO=bar
            MAIL FROM:<a@b.test>  | RCPT TO:<root@example.test>            | 250 2.1.5 Ok
            MAIL FROM:<a@b.test>  | DATA                                   | 554 5.5.1 Error: no valid recipients
            -                     | DATA                                   | 503 5.5.1 Error: need RCPT command
            -                     | FOO                                    | 500 5.5.2 Error: command not recognized
            -                     | NOOP                                   | 250 2.0.0 Ok
            -                     | RSET                                   | 250 2.0.0 Ok
            -                     | HELO                                   | 501 Syntax: HELO hostname
            -                     | VRFY root                              | 502 5.5.1 VRFY command is disabled
            -                     | EXPN root                              | 500 5.5.2 Error: command not recognized
            -                     | STARTTLS                               | 502 5.5.1 Error: command not implemented
            -                     | BDAT 0 LAST                            | 503 5.5.1 Error: need RCPT command
            MAIL FROM:<a@b.test>  | BDAT 0 LAST                            | 554 5.5.1 Error: no valid recipients
            -                     | QUIT                                   | 221 2.0.0 Bye
            """)
    void malformed_and_out_of_order_commands_get_postfix_replies(String before, String command, String postfix)
            throws Exception {
        String[] commands = before == null ? new String[] {command} : new String[] {before, command};
        assertThat(lastReply(FakeSmtpServer.builder(), commands)).isEqualTo(postfix);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            MAIL FROM:<root@example.test
            MAIL FROM:<a@b.test> FOO=bar
            MAIL FROM:<a@b.test> SIZE=abc
            MAIL FROM:<alice>
            """)
    void the_lenient_mode_accepts_them_as_a_plain_catcher(String command) throws Exception {
        assertThat(lastReply(FakeSmtpServer.builder().lenient(), command)).isEqualTo("250 Ok");
    }

    @Test
    void the_library_s_own_replies_are_worded_as_postfix_words_them(@TempDir Path data) throws Exception {
        String plain = java.util.Base64.getEncoder().encodeToString("\0alice\0s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(lastReply(FakeSmtpServer.builder().authUser("alice", "s3cret").allowPlaintextAuth(),
                "AUTH PLAIN " + plain)).isEqualTo("235 2.7.0 Authentication successful");
        server.stop();
        assertThat(lastReply(FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")), "STARTTLS"))
                .isEqualTo("220 2.0.0 Ready to start TLS");
        server.stop();
        server = FakeSmtpServer.builder().build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            assertThat(smtp.command("BDAT 12\r\nSubject: x")).isEqualTo("250 2.0.0 Ok: 12 bytes");
            assertThat(smtp.command("BDAT 0 LAST")).startsWith("250 2.0.0 Ok: queued as ");
            assertThat(smtp.command("BDAT 7\r\nhello")).as("a refused BDAT's chunk is read and discarded")
                    .isEqualTo("503 5.5.1 Error: need RCPT command");
            assertThat(smtp.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void every_reply_but_the_greeting_helo_ehlo_and_help_carries_an_enhanced_code() throws Exception {
        String good = java.util.Base64.getEncoder().encodeToString("\0alice\0s3cret".getBytes(StandardCharsets.UTF_8));
        String bad = java.util.Base64.getEncoder().encodeToString("\0alice\0nope".getBytes(StandardCharsets.UTF_8));
        server = FakeSmtpServer.builder().authUser("alice", "s3cret").allowPlaintextAuth().maxRecipients(1).build()
                .start();
        List<String> replies = new ArrayList<>();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            for (String command : List.of("NOOP", "RSET", "VRFY root", "EXPN root", "FOO", "STARTTLS", "DATA",
                    "BDAT 0 LAST", "RCPT TO:<b@example.test>", "AUTH", "AUTH NTLM", "AUTH PLAIN " + bad, "AUTH LOGIN",
                    "*", "AUTH PLAIN " + good, "AUTH PLAIN " + good, "MAIL FROM:<a", "MAIL FROM:<alice>",
                    "MAIL FROM:<a@example.test> FOO=1", "MAIL FROM:<a@example.test>", "MAIL FROM:<a@example.test>",
                    "RCPT TO:<b", "DATA", "RCPT TO:<b@example.test>", "RCPT TO:<c@example.test>", "DATA",
                    "Subject: x\r\n\r\ny\r\n.", "MAIL FROM:<a@example.test>", "RCPT TO:<b@example.test>",
                    "BDAT 5\r\nabc", "NOOP", "BDAT 0 LAST", "QUIT")) {
                String reply = smtp.command(command);
                replies.add(command.split("\r")[0] + " -> " + reply);
            }
        }
        assertThat(replies).allSatisfy(reply -> assertThat(reply).matches("(?s).* -> (354 |334 |[245]\\d\\d [245]\\.\\d{1,3}\\.\\d{1,3} ).*"));
    }

    @Test
    void a_transaction_takes_at_most_max_recipients() throws Exception {
        server = FakeSmtpServer.builder().maxRecipients(2).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            assertThat(smtp.command("RCPT TO:<b1@example.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("RCPT TO:<b2@example.test>")).isEqualTo("250 2.1.5 Ok");
            assertThat(smtp.command("RCPT TO:<b3@example.test>")).isEqualTo("452 4.5.3 Error: too many recipients");
        }
    }

    @Test
    void after_max_errors_the_next_command_gets_421_and_the_connection_closes() throws Exception {
        server = FakeSmtpServer.builder().maxErrors(3).build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            assertThat(smtp.command("FOO")).startsWith("500");
            assertThat(smtp.command("MAIL FROM:<a")).startsWith("501");
            assertThat(smtp.command("BAR")).startsWith("500");
            assertThat(smtp.command("NOOP")).isEqualTo("421 4.7.0 localhost Error: too many errors");
            assertThat(smtp.reply()).as("closed").isNull();
        }
        var session = server.awaitSession(s -> s.ended().isPresent(), java.time.Duration.ofSeconds(5));
        assertThat(session.outcomeDetail()).isEqualTo("the client made 3 errors, the most a session may make");
    }

    @Test
    void dsn_parameters_are_validated_and_recorded() throws Exception {
        server = FakeSmtpServer.builder().build().start();
        try (RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            assertThat(smtp.command("MAIL FROM:<a@example.test> RET=NOPE")).isEqualTo("501 5.5.4 Bad RET parameter syntax");
            assertThat(smtp.command("MAIL FROM:<a@example.test> RET=HDRS ENVID=QQ314159")).isEqualTo("250 2.1.0 Ok");
            assertThat(smtp.command("RCPT TO:<b@example.test> NOTIFY=SOMETIMES"))
                    .isEqualTo("501 5.5.4 Error: Bad NOTIFY parameter syntax");
            assertThat(smtp.command("RCPT TO:<b@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.test"))
                    .isEqualTo("250 2.1.5 Ok");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: dsn\r\n\r\nbody\r\n.")).startsWith("250 2.0.0");
        }
        var message = server.takeMessage(java.time.Duration.ofSeconds(5));
        assertThat(message.mailParameters()).containsEntry("RET", "HDRS").containsEntry("ENVID", "QQ314159");
        // Refused RCPTs are recorded too, with their reply: the accepted one is the second.
        assertThat(message.recipients()).extracting(dev.smtplab.server.record.Recipient::replyCode)
                .containsExactly(501, 250);
        assertThat(message.recipients().get(1).parameters()).containsEntry("NOTIFY", "SUCCESS,FAILURE")
                .containsEntry("ORCPT", "rfc822;b@example.test");
    }

    /** RFC 3207, 4.2: once TLS is on, STARTTLS is not offered again; nor on the implicit-TLS port. */
    @Test
    void starttls_is_not_offered_over_tls(@TempDir Path data) throws Exception {
        server = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")).implicitTlsPort(0).build().start();
        try (SSLSocket socket = (SSLSocket) server.tls().orElseThrow().clientSslContext().getSocketFactory().createSocket("127.0.0.1",
                server.implicitTlsPort())) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("220 ");
            out.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> ehlo = new ArrayList<>();
            String line;
            do {
                line = in.readLine();
                ehlo.add(line);
            } while (line.charAt(3) == '-');
            assertThat(ehlo).containsExactly("250-localhost", "250-PIPELINING", "250-SIZE 26214400",
                    "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN", "250-SMTPUTF8", "250 CHUNKING");
        }
        try (RawSmtp plain = new RawSmtp(server.port())) {
            plain.reply();
            assertThat(plain.command("EHLO client.test")).isEqualTo(String.join("\r\n", "250-localhost",
                    "250-PIPELINING", "250-SIZE 26214400", "250-STARTTLS", "250-ENHANCEDSTATUSCODES", "250-8BITMIME",
                    "250-DSN", "250-SMTPUTF8", "250 CHUNKING"));
        }
    }
}
