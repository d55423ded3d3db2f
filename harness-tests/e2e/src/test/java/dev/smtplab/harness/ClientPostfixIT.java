package dev.smtplab.harness;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our client against Postfix, a real MTA, on a loopback port: STARTTLS and a delivery it accepted,
 * its own rejections of an invalid sender and an unknown recipient with the right exit codes, and
 * diagnose's smuggling probe telling its two bare-newline settings apart.
 */
@Timeout(180)
class ClientPostfixIT {
    private static PostfixPeer postfix;
    private static int port;

    @BeforeAll
    static void startPostfix() throws Exception {
        postfix = PostfixPeer.start();
        port = postfix.port();
    }

    @AfterAll
    static void stopPostfix() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
    }

    @Test
    void sends_over_starttls_and_postfix_queues_it() throws Exception {
        ClientRun run = ClientRun.of("send", "--server", "localhost:" + port, "--from", "alice@example.org",
                "--to", "root@example.test", "--starttls", "--ca-file", postfix.certificate().toString(), "--json");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("\"result\":\"sent\"").contains("Ok: queued as");
        String queueId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out()).get("queueId").asText();
        postfix.awaitLog(queueId + ": from=<alice@example.org>");
    }

    @Test
    void invalid_sender_gets_postfix_rejection_and_exit_23() {
        ClientRun run = ClientRun.send(port, "--from", "alice@invalid.test", "--to", "root@example.test");
        assertThat(run.exitCode()).isEqualTo(23);
        assertThat(run.err()).startsWith("smtplab send: MAIL FROM was refused: 554 5.7.1 <alice@invalid.test>: Sender "
                + "address rejected: Sender domain invalid.test is not allowed");
        ClientRun unqualified = ClientRun.send(port, "--from", "alice", "--to", "root@example.test");
        assertThat(unqualified.exitCode()).isEqualTo(23);
        assertThat(unqualified.err()).contains("504 5.5.2 <alice>: Sender address rejected: need fully-qualified address");
    }

    @Test
    void unknown_recipient_gets_postfix_550_and_exit_24() {
        ClientRun run = ClientRun.send(port, "--from", "alice@example.org", "--to", "nobody@example.test");
        assertThat(run.exitCode()).isEqualTo(24);
        assertThat(run.err()).contains("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in "
                + "local recipient table").contains("hint: check the address for typos");
    }

    /**
     * Postfix, the oracle, both ways: as Debian 12's Postfix 3.7 ships (smtpd_forbid_bare_newline = no,
     * and 127.0.0.0/8 excluded anyway) it takes a bare LF as a line end and so ends DATA at the LF
     * sequences, which the probe names; with the setting on for every client it takes only CRLF.CRLF
     * as the end (Postfix 3.7.11 keeps the message whole; later ones may refuse it: either is safe).
     */
    @Test
    void the_smuggling_probe_tells_postfix_with_and_without_smtpd_forbid_bare_newline() throws Exception {
        try (PostfixPeer own = PostfixPeer.start()) {
            String[] probe = {"diagnose", "localhost:" + own.port(), "--timeout-connect", "2", "--timeout-reply", "10",
                    "--from", "alice@example.org", "--to", "root@example.test", "--probe-smuggling", "--ca-file",
                    own.certificate().toString()};
            ClientRun lax = ClientRun.of(probe);
            assertThat(lax.out()).contains("the server ends DATA early at <LF>.<LF>, <LF>.<CR><LF>, <CR><LF>.<LF>")
                    .contains("  <CR>.<CR><LF>    kept-whole");
            own.configure("smtpd_forbid_bare_newline = yes", "smtpd_forbid_bare_newline_exclusions =");
            ClientRun strict = ClientRun.of(probe);
            assertThat(strict.out()).containsAnyOf("SMTP smuggling: the server kept the probe message whole",
                    "SMTP smuggling: the server refused the probe message").doesNotContain("ends DATA early");
        }
    }
}
