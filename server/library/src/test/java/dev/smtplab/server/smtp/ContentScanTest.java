package dev.smtplab.server.smtp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The content scanners' fast paths find what a plain byte-by-byte reading finds: the end of DATA
 * at the same place, and the same end-of-data look-alikes.
 */
class ContentScanTest {
    private static final byte[] ALPHABET = {'.', '\r', '\n', 'a', ' ', '.', '\r', '\n'};

    @Test
    void the_end_of_data_and_the_look_alikes_match_a_byte_by_byte_reading_on_random_content() {
        Random random = new Random(5);
        for (int round = 0; round < 20_000; round++) {
            byte[] content = new byte[random.nextInt(60)];
            for (int i = 0; i < content.length; i++) {
                content[i] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            int chunk = 1 + random.nextInt(9);
            EndOfData end = new EndOfData();
            end.start();
            EndOfDataLookAlikes lookAlikes = new EndOfDataLookAlikes();
            lookAlikes.start();
            int found = -1;
            for (int from = 0; from < content.length && found < 0; from += chunk) {
                int to = Math.min(content.length, from + chunk);
                int ended = end.scan(content, from, to);
                lookAlikes.acceptAll(content, from, ended >= 0 ? ended : to);
                found = ended;
            }
            assertThat(found).as("round %d", round).isEqualTo(referenceEnd(content));
            int scanned = found >= 0 ? found : content.length;
            assertThat(lookAlikes.found()).as("round %d", round).isEqualTo(referenceLookAlikes(content, scanned));
        }
    }

    /** Just past the first CRLF "." CRLF, counting the DATA line's CRLF before the content; -1 for none. */
    private static int referenceEnd(byte[] content) {
        byte[] withLineBefore = new byte[content.length + 2];
        withLineBefore[0] = '\r';
        withLineBefore[1] = '\n';
        System.arraycopy(content, 0, withLineBefore, 2, content.length);
        for (int i = 0; i + 5 <= withLineBefore.length; i++) {
            if (withLineBefore[i] == '\r' && withLineBefore[i + 1] == '\n' && withLineBefore[i + 2] == '.'
                    && withLineBefore[i + 3] == '\r' && withLineBefore[i + 4] == '\n') {
                return i + 5 - 2;
            }
        }
        return -1;
    }

    /** Every dot alone between two line ends that are not both CRLF, in the first {@code length} bytes. */
    private static List<String> referenceLookAlikes(byte[] content, int length) {
        List<Byte> bytes = new ArrayList<>(List.of((byte) '\r', (byte) '\n'));
        for (int i = 0; i < length; i++) {
            bytes.add(content[i]);
        }
        Set<String> found = new LinkedHashSet<>();
        for (int i = 4; i < bytes.size(); i++) {
            byte b0 = bytes.get(i - 4), b1 = bytes.get(i - 3), b2 = bytes.get(i - 2), b3 = bytes.get(i - 1), b4 = bytes.get(i);
            if (b2 != '.' || !lineEnd(b1) || !lineEnd(b3)) {
                continue;
            }
            boolean crlfBefore = b0 == '\r' && b1 == '\n';
            boolean crlfAfter = b3 == '\r' && b4 == '\n';
            if (crlfBefore && crlfAfter) {
                continue;
            }
            found.add((crlfBefore ? "<CRLF>" : b1 == '\n' ? "<LF>" : "<CR>") + "."
                    + (crlfAfter ? "<CRLF>" : b3 == '\n' ? "<LF>" : "<CR>"));
        }
        return List.copyOf(found);
    }

    private static boolean lineEnd(byte b) {
        return b == '\r' || b == '\n';
    }
}
