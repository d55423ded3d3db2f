package dev.smtplab.client.i18n;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Output in UTF-8 when the environment says the terminal takes UTF-8 ({@code LANG=ja_JP.UTF-8})
 * but the JVM fell back to ASCII because that locale is not installed (common in containers): the
 * JVM would print every Japanese character as "?".
 */
public final class Utf8Output {
    private Utf8Output() {
    }

    /** Whether LC_ALL, LC_CTYPE or LANG (the first set, as POSIX reads them) names UTF-8. */
    static boolean declared(Map<String, String> environment) {
        for (String variable : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                String upper = value.toUpperCase(Locale.ROOT);
                return upper.endsWith(".UTF-8") || upper.endsWith(".UTF8") || upper.contains(".UTF-8@")
                        || upper.contains(".UTF8@");
            }
        }
        return false;
    }

    /** The charset for the terminal: UTF-8 when the environment asks for it, else the JVM's. */
    public static Charset terminalCharset() {
        return declared(System.getenv()) ? StandardCharsets.UTF_8 : Charset.defaultCharset();
    }

    /** Replaces System.out and System.err with UTF-8 ones when the JVM's charset is not what the environment asks. */
    public static void apply() {
        if (!Charset.defaultCharset().equals(StandardCharsets.UTF_8) && declared(System.getenv())) {
            System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
            // picocli makes its writers with the charset these name, not System.out's.
            for (String property : new String[] {"sun.stdout.encoding", "sun.stderr.encoding", "stdout.encoding",
                    "stderr.encoding"}) {
                System.setProperty(property, "UTF-8");
            }
        }
    }
}
