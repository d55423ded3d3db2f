package dev.smtplab.server.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.smtplab.server.record.Recipient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The envelope's JSON is written by hand for speed: it must be exactly what Jackson writes, and read back whole. */
class EnvelopeJsonTest {
    private static final String AWKWARD = "aZ09 \"\\/\u0000\u0001\b\t\n\f\r\u001f\u007f\u00e9\u3053\ud83d\ude00<>&'=;";

    @Test
    void the_hand_written_json_is_jacksons_byte_for_byte_and_reads_back_whole() throws Exception {
        Random random = new Random(1205);
        for (int i = 0; i < 5_000; i++) {
            Map<String, String> parameters = parameters(random);
            List<Recipient> recipients = new ArrayList<>();
            for (int r = random.nextInt(4); r > 0; r--) {
                recipients.add(new Recipient(text(random), parameters(random), 200 + random.nextInt(400), text(random)));
            }
            List<String> strings = new ArrayList<>();
            for (int s = random.nextInt(3); s > 0; s--) {
                strings.add(text(random));
            }

            assertThat(StoredRows.parametersJson(parameters)).isEqualTo(StoredRows.json().writeValueAsString(parameters));
            assertThat(StoredRows.recipientsJson(recipients)).isEqualTo(StoredRows.json().writeValueAsString(recipients));
            assertThat(StoredRows.stringsJson(strings)).isEqualTo(StoredRows.json().writeValueAsString(strings));

            assertThat(StoredRows.json().readValue(StoredRows.parametersJson(parameters),
                    new TypeReference<Map<String, String>>() { })).isEqualTo(parameters);
            assertThat(StoredRows.json().readValue(StoredRows.recipientsJson(recipients),
                    new TypeReference<List<Recipient>>() { })).isEqualTo(recipients);
            assertThat(StoredRows.json().readValue(StoredRows.stringsJson(strings),
                    new TypeReference<List<String>>() { })).isEqualTo(strings);
        }
    }

    private static Map<String, String> parameters(Random random) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int p = random.nextInt(3); p > 0; p--) {
            parameters.put(text(random), random.nextInt(5) == 0 ? "" : text(random));
        }
        return parameters;
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        for (int c = random.nextInt(12); c > 0; c--) {
            int at = random.nextInt(AWKWARD.length());
            text.append(Character.isSurrogate(AWKWARD.charAt(at)) ? "\ud83d\ude00" : String.valueOf(AWKWARD.charAt(at)));
        }
        return text.toString();
    }
}
