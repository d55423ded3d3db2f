package dev.smtplab.client.send;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A plain send's message, written without Jakarta Mail, is byte for byte what Jakarta Mail writes. */
class PlainMessageTest {
    private static final String[] ADDRESSES = {
        "a@example.test", "first.last+tag@sub.example.test", "UPPER_case-1@x.test", "a..b@example.test",
        ".dot@example.test", "no-at-sign", "Ann <ann@example.test>", "\"quoted name\"@example.test", "",
        "x@[127.0.0.1]", "caf\u00e9@example.test", "user@example.test ", "a@b",
        "very.long.local.part.for.folding.checks@a-rather-long-domain-name.example.test",
    };
    private static final String[] SUBJECTS = {
        "Test message from smtplab", "", "x", "Caf\u00e9 au lait", " leading space", "trailing space ",
        "tab\there", "=?UTF-8?B?not really?=", "a".repeat(60), "a".repeat(67), "a".repeat(68), "a".repeat(120),
        "Mixed: punctuation; (comments) <angles> \"quotes\"",
    };
    private static final String[] BODIES = {
        "This is a test message sent by smtplab.", "", "line one\nline two\n", "crlf\r\nlines\r\n",
        "tab\tseparated", "caf\u00e9", "x".repeat(998), "x".repeat(999), "bell\u0007", ".leading dot\n.\n",
        "trailing spaces   \n", "\u3053\u3093\u306b\u3061\u306f",
    };

    @Test
    void whenever_the_plain_path_answers_it_answers_what_jakarta_mail_writes() {
        Random random = new Random(20261205);
        int plain = 0;
        for (int i = 0; i < 20_000; i++) {
            String from = pick(random, ADDRESSES);
            List<String> to = addresses(random);
            List<String> cc = addresses(random);
            String subject = pick(random, SUBJECTS);
            String body = pick(random, BODIES);
            byte[] fast = PlainMessage.compose(from, to, cc, subject, body, MailDate.now());
            if (fast == null) {
                continue;
            }
            plain++;
            byte[] jakarta = MessageComposer.withJakartaMail(from, to, cc, subject, body, List.of(), List.of());
            assertThat(normalized(fast)).as("from %s to %s cc %s subject %s body %s", from, to, cc, subject, body)
                    .isEqualTo(normalized(jakarta));
        }
        assertThat(plain).as("messages plain enough").isGreaterThan(150);
    }

    @Test
    void a_default_send_takes_the_plain_path_and_anything_else_jakarta_mail() {
        assertThat(PlainMessage.compose("a@example.test", List.of("b@example.test"), List.of(),
                "Test message from smtplab", "This is a test message sent by smtplab.", MailDate.now())).isNotNull();
        assertThat(PlainMessage.compose("a@example.test", List.of("b@example.test"), List.of(), "Caf\u00e9", "x",
                MailDate.now())).as("a subject to encode").isNull();
        assertThatThrownBy(() -> MessageComposer.compose("not an address", List.of("b@example.test"), List.of(), "s",
                "b", List.of(), List.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--from");
    }

    /** The Date's numbers and the Message-ID differ by when and where they were made; nothing else may. */
    private static String normalized(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        String date = text.lines().filter(line -> line.startsWith("Date: ")).findFirst().orElseThrow();
        return text.replace(date, date.replaceAll("\\d+", "N"))
                .replaceFirst("(?m)^Message-ID: <-?\\d+\\.\\d+\\.\\d+@[^>\r\n]+>", "Message-ID: (an id)");
    }

    private static List<String> addresses(Random random) {
        List<String> addresses = new ArrayList<>();
        for (int n = random.nextInt(4); n > 0; n--) {
            addresses.add(pick(random, ADDRESSES));
        }
        return addresses;
    }

    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
