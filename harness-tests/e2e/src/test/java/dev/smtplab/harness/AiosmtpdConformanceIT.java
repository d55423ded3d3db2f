package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.smtplab.harness.Dialogues.c;
import static dev.smtplab.harness.Dialogues.pipelined;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The smaller conformance table against a second, independent server: aiosmtpd (Python), started by
 * the test. aiosmtpd sends no enhanced status codes, so the reply codes are compared; the cases
 * are those where RFC 5321 leaves a server no choice, so the reply classes must agree on every one.
 * Left out on purpose: a path without its closing bracket, which aiosmtpd accepts and Postfix (and
 * so SMTP Lab) refuses with 501.
 */
@Timeout(120)
class AiosmtpdConformanceIT {
    private static Process aiosmtpd;
    private static int aiosmtpdPort;
    private static FakeSmtpServer lab;

    private static final String EHLO = "EHLO client.example.test";
    private static final String MAIL = "MAIL FROM:<alice@example.org>";
    private static final String RCPT = "RCPT TO:<root@example.test>";

    static final List<Dialogues.Case> CASES = List.of(
            c("ehlo", EHLO),
            c("helo", "HELO client.example.test"),
            c("noop", "NOOP"),
            c("rset", "RSET"),
            c("quit", "QUIT"),
            c("unknown command", "FOO"),
            c("mail", EHLO, MAIL),
            c("mail with the null sender", EHLO, "MAIL FROM:<>"),
            c("ehlo without a name", "EHLO"),
            c("mail with an unknown parameter", EHLO, MAIL + " FOO=bar"),
            c("mail with a size", EHLO, MAIL + " SIZE=1000"),
            c("mail with a bad size", EHLO, MAIL + " SIZE=abc"),
            c("mail with body 8bitmime", EHLO, MAIL + " BODY=8BITMIME"),
            c("mail without from", EHLO, "MAIL"),
            c("nested mail", EHLO, MAIL, "MAIL FROM:<bob@example.org>"),
            c("rcpt before mail", EHLO, RCPT),
            c("rcpt", EHLO, MAIL, RCPT),
            c("helo without a name", "HELO"),
            c("rcpt without to", EHLO, MAIL, "RCPT"),
            c("data before mail", EHLO, "DATA"),
            c("data without a recipient", EHLO, MAIL, "DATA"),
            c("a whole message", EHLO, MAIL, RCPT, "DATA", "Subject: one", "", "body", "."),
            c("two transactions", EHLO, MAIL, RCPT, "DATA", "Subject: 1", "", "a", ".", MAIL, RCPT, "DATA",
                    "Subject: 2", "", "b", "."),
            c("rset drops the transaction", EHLO, MAIL, "RSET", RCPT),
            c("ehlo resets the transaction", EHLO, MAIL, EHLO, RCPT),
            pipelined("a pipelined transaction", EHLO, MAIL, RCPT, "DATA"));

    @BeforeAll
    static void start() throws Exception {
        Peers.program("python3", "python3");
        Process probe = new ProcessBuilder(Peers.python(), "-c", "import aiosmtpd").start();
        Assumptions.assumeTrue(probe.waitFor() == 0,
                "skipped: aiosmtpd is not installed (Debian package python3-aiosmtpd; .ci/run installs it)");
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            aiosmtpdPort = free.getLocalPort();
        }
        aiosmtpd = new ProcessBuilder(Peers.python(), Peers.script("aiosmtpd_server.py").toString(),
                Integer.toString(aiosmtpdPort), Files.createTempDirectory("aiosmtpd").toString())
                .redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(aiosmtpd.getInputStream(),
                StandardCharsets.UTF_8));
        assertThat(output.readLine()).isEqualTo("ready");
        lab = FakeSmtpServer.builder().build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (aiosmtpd != null) {
            aiosmtpd.getOutputStream().close();
            if (!aiosmtpd.waitFor(5, TimeUnit.SECONDS)) {
                aiosmtpd.destroyForcibly();
            }
        }
        if (lab != null) {
            lab.stop();
        }
    }

    @Test
    void smtp_lab_answers_like_aiosmtpd_where_the_rfc_leaves_no_choice() throws Exception {
        Dialogues.Comparison comparison = Dialogues.compare(CASES, "aiosmtpd", aiosmtpdPort, lab.port(),
                Dialogues::replyCode);
        comparison.print(System.out);
        assertThat(CASES).hasSizeGreaterThanOrEqualTo(25);
        assertThat(comparison.classDifferences()).as("cases whose reply classes differ").isEmpty();
        assertThat(comparison.agreement()).as("cases with the same reply codes, %%; differing: %s",
                comparison.codeDifferences()).isGreaterThanOrEqualTo(95.0);
    }
}
