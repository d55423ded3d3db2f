package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.List;

import static dev.smtplab.harness.Dialogues.c;
import static dev.smtplab.harness.Dialogues.pipelined;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential conformance suite: one table of dialogues, each sent to a real Postfix
 * (started on a loopback port by this test) and to SMTP Lab in its strict mode. The reply classes
 * must agree on every reply; the full codes (reply code and enhanced code) on at least 95 % of
 * the cases. Every difference is printed, and the README lists those that remain and why.
 */
@Timeout(300)
class ConformanceIT {
    private static PostfixPeer postfix;
    private static FakeSmtpServer lab;

    @SafeVarargs
    private static String[] concat(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toArray(String[]::new);
    }

    private static final String EHLO = "EHLO client.example.test";
    private static final String MAIL = "MAIL FROM:<alice@example.org>";
    private static final String RCPT = "RCPT TO:<root@example.test>";

    static final List<Dialogues.Case> CASES = List.of(
            c("ehlo", EHLO),
            c("helo", "HELO client.example.test"),
            c("ehlo without a name", "EHLO"),
            c("helo without a name", "HELO"),
            c("ehlo twice", EHLO, "EHLO again.example.test"),
            c("ehlo in lower case", "ehlo client.example.test"),
            c("ehlo with an address literal", "EHLO [127.0.0.1]"),
            c("noop", "NOOP"),
            c("noop with an argument", "NOOP hello"),
            c("rset", "RSET"),
            c("quit", "QUIT"),
            c("unknown command", "FOO"),
            c("unknown command with arguments", "FOO bar baz"),
            c("mail", EHLO, MAIL),
            c("mail with a space after the colon", EHLO, "MAIL FROM: <alice@example.org>"),
            c("mail without brackets", EHLO, "MAIL FROM:alice@example.org"),
            c("mail with the null sender", EHLO, "MAIL FROM:<>"),
            c("mail without the closing bracket", EHLO, "MAIL FROM:<root@example.test"),
            c("mail with an unknown parameter", EHLO, MAIL + " FOO=bar"),
            c("mail with a bad size", EHLO, MAIL + " SIZE=abc"),
            c("mail with a negative size", EHLO, MAIL + " SIZE=-1"),
            c("mail with a size", EHLO, MAIL + " SIZE=1000"),
            c("mail with a huge size", EHLO, MAIL + " SIZE=999999999999"),
            c("mail with body 8bitmime", EHLO, MAIL + " BODY=8BITMIME"),
            c("mail with body 7bit", EHLO, MAIL + " BODY=7BIT"),
            c("mail with a bad body", EHLO, MAIL + " BODY=foo"),
            c("mail with smtputf8", EHLO, MAIL + " SMTPUTF8"),
            c("mail with parameters in lower case", EHLO, MAIL + " size=100 body=8bitmime"),
            c("mail from an unqualified sender", EHLO, "MAIL FROM:<alice>"),
            c("mail from a sender at a single-label domain", EHLO, "MAIL FROM:<alice@localhost>"),
            c("mail from an address literal", EHLO, "MAIL FROM:<alice@[127.0.0.1]>"),
            c("mail from a quoted local part", EHLO, "MAIL FROM:<\"alice smith\"@example.org>"),
            c("mail from an unquoted space", EHLO, "MAIL FROM:<alice smith@example.org>"),
            c("mail to instead of from", EHLO, "MAIL TO:<alice@example.org>"),
            c("mail without from", EHLO, "MAIL"),
            c("mail from nothing", EHLO, "MAIL FROM:"),
            c("nested mail", EHLO, MAIL, "MAIL FROM:<bob@example.org>"),
            c("mail with ret", EHLO, MAIL + " RET=HDRS"),
            c("mail with envid", EHLO, MAIL + " ENVID=QQ314159"),
            c("mail with a bad ret", EHLO, MAIL + " RET=NOPE"),
            c("mail after helo", "HELO client.example.test", MAIL),
            c("mail in lower case", EHLO, "mail from:<alice@example.org>"),
            c("rcpt before mail", EHLO, RCPT),
            c("rcpt", EHLO, MAIL, RCPT),
            c("rcpt without brackets", EHLO, MAIL, "RCPT TO:root@example.test"),
            c("rcpt without the closing bracket", EHLO, MAIL, "RCPT TO:<root@example.test"),
            c("rcpt to the null address", EHLO, MAIL, "RCPT TO:<>"),
            c("rcpt with an unknown parameter", EHLO, MAIL, RCPT + " FOO=bar"),
            c("rcpt with notify", EHLO, MAIL, RCPT + " NOTIFY=SUCCESS,FAILURE"),
            c("rcpt with notify never", EHLO, MAIL, RCPT + " NOTIFY=NEVER"),
            c("rcpt with a bad notify", EHLO, MAIL, RCPT + " NOTIFY=SOMETIMES"),
            c("rcpt with orcpt", EHLO, MAIL, RCPT + " ORCPT=rfc822;root@example.test"),
            c("rcpt from instead of to", EHLO, MAIL, "RCPT FROM:<root@example.test>"),
            c("rcpt without to", EHLO, MAIL, "RCPT"),
            c("rcpt in lower case", EHLO, MAIL, "rcpt to:<root@example.test>"),
            c("rcpt twice", EHLO, MAIL, RCPT, RCPT),
            c("data before mail", EHLO, "DATA"),
            c("data without a recipient", EHLO, MAIL, "DATA"),
            c("a whole message", EHLO, MAIL, RCPT, "DATA", "Subject: one", "", "body", "."),
            c("a message with a dot-stuffed line", EHLO, MAIL, RCPT, "DATA", "Subject: dots", "", "..dot", "."),
            c("a message with no headers", EHLO, MAIL, RCPT, "DATA", "just a body", "."),
            c("two transactions", EHLO, MAIL, RCPT, "DATA", "Subject: 1", "", "a", ".", MAIL, RCPT, "DATA",
                    "Subject: 2", "", "b", "."),
            c("a message then quit", EHLO, MAIL, RCPT, "DATA", "Subject: q", "", "b", ".", "QUIT"),
            c("rset drops the transaction", EHLO, MAIL, "RSET", RCPT),
            c("rset after a recipient", EHLO, MAIL, RCPT, "RSET", "DATA"),
            c("ehlo resets the transaction", EHLO, MAIL, EHLO, RCPT),
            c("mail after a message", EHLO, MAIL, RCPT, "DATA", "Subject: x", "", "y", ".", RCPT),
            c("noop inside a transaction", EHLO, MAIL, "NOOP", RCPT),
            c("starttls with an argument", EHLO, "STARTTLS now"),
            c("auth when not offered", EHLO, "AUTH PLAIN AGFsaWNlAHNlY3JldA=="),
            c("data with an argument", EHLO, MAIL, RCPT, "DATA now"),
            c("mail before any greeting", MAIL),
            c("rcpt before any greeting", RCPT),
            c("data before any greeting", "DATA"),
            c("a line of 600 octets", "NOOP " + "x".repeat(594)),
            c("an empty line", ""),
            c("only spaces", "   "),
            c("mail with two spaces before the parameter", EHLO, MAIL + "  SIZE=10"),
            c("mail with a domain ending in a dot", EHLO, "MAIL FROM:<alice@example.org.>"),
            c("ehlo after helo", "HELO client.example.test", EHLO),
            c("twenty-one unknown commands", java.util.Collections.nCopies(21, "FOO").toArray(String[]::new)),
            c("twenty-one bad senders", java.util.Collections.nCopies(21, "MAIL FROM:<a").toArray(String[]::new)),
            c("122 junk commands", java.util.Collections.nCopies(122, "NOOP").toArray(String[]::new)),
            c("a message forgives the errors before it", concat(java.util.Collections.nCopies(19, "FOO"),
                    List.of(EHLO, MAIL, RCPT, "DATA", "Subject: x", "", "y", "."),
                    java.util.Collections.nCopies(19, "FOO"), List.of("NOOP"))),
            pipelined("a pipelined transaction", EHLO, MAIL, RCPT, "DATA"),
            pipelined("a pipelined group with a bad recipient", EHLO, MAIL, "RCPT TO:<root@example.test", RCPT,
                    "NOOP"),
            pipelined("pipelined rset and noop", EHLO, "RSET", "NOOP", "NOOP"));

    @BeforeAll
    static void start() throws Exception {
        postfix = PostfixPeer.start();
        lab = FakeSmtpServer.builder().tls(TlsMaterial.localCa(Files.createTempDirectory("smtplab-ca"), "localhost"))
                .build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postfix != null) {
            postfix.close();
        }
        if (lab != null) {
            lab.stop();
        }
    }

    @Test
    void smtp_lab_answers_like_postfix() throws Exception {
        Dialogues.Comparison comparison = Dialogues.compare(CASES, "Postfix", postfix.port(), lab.port(),
                Dialogues::fullCodes);
        comparison.print(System.out);
        assertThat(CASES).hasSizeGreaterThanOrEqualTo(80);
        assertThat(comparison.classDifferences()).as("cases whose reply classes differ").isEmpty();
        assertThat(comparison.agreement()).as("cases with the same full codes, %%; differing: %s",
                comparison.codeDifferences()).isGreaterThanOrEqualTo(95.0);
    }
}
