package dev.smtplab.harness;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Code in the README's tables is code that runs: each cell of the GreenMail migration table is in its test. */
class ReadmeSnippetsTest {

    @Test
    void every_cell_of_the_green_mail_table_is_code_from_its_test() throws Exception {
        String readme = Files.readString(Peers.root().resolve("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("### Coming from GreenMail");
        String table = readme.substring(start, readme.indexOf("Each row is run by", start));
        List<String> cells = new ArrayList<>();
        Matcher code = Pattern.compile("\\| `([^|]+)` ").matcher(table);
        while (code.find()) {
            cells.add(code.group(1));
        }
        assertThat(cells).as("cells of the table").hasSizeGreaterThanOrEqualTo(19);

        String test = Files.readString(Peers.root().resolve(
                "harness-tests/e2e/src/test/java/dev/smtplab/harness/GreenMailMigrationTest.java"), StandardCharsets.UTF_8);
        assertThat(cells).allSatisfy(cell -> assertThat(test).as("GreenMailMigrationTest holds %s", cell).contains(cell));
    }
}
