package dev.smtplab.server.smtp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts of the inbound tap, without sockets: line checks, printing, redaction, end of data. */
class InboundLineRulesTest {

    /** Java escapes in the table: \r, \n, \0 and \xNN are decoded before the check. */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "OK", textBlock = """
            NOOP\\r\\n                 | OK
            MAIL FROM:<ü@example.test>\\r\\n | OK
            NOOP\\n                    | 500 5.5.2 Syntax error: line ends in a bare LF; SMTP lines end with CRLF (RFC 5321, 2.3.8)
            \\n                        | 500 5.5.2 Syntax error: line ends in a bare LF; SMTP lines end with CRLF (RFC 5321, 2.3.8)
            NO\\rOP\\r\\n              | 500 5.5.2 Syntax error: bare CR at position 3; SMTP lines end with CRLF (RFC 5321, 2.3.8)
            NO\\0OP\\r\\n              | 500 5.5.2 Syntax error: NUL byte at position 3 of the line
            NOOP \\xff\\xfe\\r\\n      | 500 5.5.2 Syntax error: the line is not valid UTF-8
            NOOP \\xc3\\r\\n           | 500 5.5.2 Syntax error: the line is not valid UTF-8
            """)
    void command_lines_are_judged(String escaped, String expected) {
        byte[] line = decode(escaped);
        assertThat(LineProblems.problem(line, line.length, 0, InboundTap.MAX_COMMAND_LINE)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0} octets, limit {1}")
    @CsvSource(textBlock = """
            512,   512,   true
            513,   512,   false
            12288, 12288, true
            12289, 12288, false
            """)
    void line_length_counts_the_crlf_and_what_overflowed(int total, int limit, boolean accepted) {
        byte[] kept = decode("x".repeat(Math.min(total, 600) - 2) + "\\r\\n");
        long overflow = total - kept.length;
        String problem = LineProblems.problem(kept, kept.length, overflow, limit);
        if (accepted) {
            assertThat(problem).isNull();
        } else {
            assertThat(problem).isEqualTo("500 5.5.2 Line too long: " + total + " octets; a command line may have at most "
                    + limit + ", CRLF included");
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            NO\\0OP\\r\\n      | 0  | 80 | NO\\x00OP\\r\\n
            caf\\xc3\\xa9\\n   | 0  | 80 | caf\\xc3\\xa9\\n
            abcdefgh\\r\\n     | 0  | 4  | abcd... (10 octets)
            abcd\\r\\n         | 20 | 5  | abcd\\r... (26 octets)
            """)
    void malformed_lines_are_printed_escaped_and_cut(String escaped, int overflow, int prefix, String shown) {
        byte[] line = decode(escaped);
        assertThat(LineProblems.printable(line, line.length, overflow, prefix)).isEqualTo(shown);
    }

    @ParameterizedTest(name = "[{index}] {0} (answers a 334: {1})")
    @CsvSource(delimiter = '|', textBlock = """
            AUTH PLAIN AGFsaWNlAHMzY3JldA== | false | AUTH PLAIN ****
            auth   login    YWxpY2U=        | false | auth login ****
            AUTH LOGIN                      | false | AUTH LOGIN
            AUTH PLAIN =                    | false | AUTH PLAIN ****
            YWxpY2U=                        | true  | ****
            *                               | true  | *
            MAIL FROM:<a@example.test>      | false | MAIL FROM:<a@example.test>
            AUTHOR                          | false | AUTHOR
            """)
    void auth_secrets_are_masked(String line, boolean answersChallenge, String kept) {
        assertThat(AuthRedaction.transcriptText(line, answersChallenge)).isEqualTo(kept);
    }

    /**
     * Each content is scanned in pieces of every size from 1 to its length, so a terminator split
     * across reads is found at the same place.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            .\\r\\n                               | 3
            Subject: x\\r\\n\\r\\nhi\\r\\n.\\r\\n  | 21
            a\\r\\n..\\r\\n.\\r\\n                | 10
            a\\r\\n.x\\r\\n.\\r\\nrest            | 10
            a\\n.\\r\\nb\\r\\n.\\r\\n             | 11
            a\\r\\n.\\n.\\r\\n.\\r\\n             | 11
            a.\\r\\nb                             | -1
            a\\r\\n. \\r\\n                       | -1
            """)
    void end_of_data_is_crlf_dot_crlf_even_across_reads(String escaped, int end) {
        byte[] content = decode(escaped);
        for (int piece = 1; piece <= content.length; piece++) {
            EndOfData scanner = new EndOfData();
            scanner.start();
            int found = -1;
            for (int from = 0; from < content.length && found < 0; from += piece) {
                found = scanner.scan(content, from, Math.min(content.length, from + piece));
            }
            assertThat(found).as("in pieces of %d", piece).isEqualTo(end);
        }
    }

    private static byte[] decode(String escaped) {
        List<Byte> bytes = new ArrayList<>();
        byte[] utf8 = escaped.strip().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            if (utf8[i] == '\\' && i + 1 < utf8.length) {
                char next = (char) utf8[++i];
                switch (next) {
                    case 'r' -> bytes.add((byte) '\r');
                    case 'n' -> bytes.add((byte) '\n');
                    case '0' -> bytes.add((byte) 0);
                    case 'x' -> {
                        bytes.add((byte) Integer.parseInt(new String(utf8, i + 1, 2, StandardCharsets.US_ASCII), 16));
                        i += 2;
                    }
                    default -> throw new IllegalArgumentException("unknown escape \\" + next);
                }
            } else {
                bytes.add(utf8[i]);
            }
        }
        byte[] result = new byte[bytes.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = bytes.get(i);
        }
        return result;
    }
}
