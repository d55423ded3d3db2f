package dev.smtplab.server.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The native library kept in the data folder after a first start, and used by the next. */
class SqliteNativeLibraryTest {
    @TempDir
    Path data;

    /** Other tests' stores may have pointed the driver somewhere already (a JVM-wide property). */
    @org.junit.jupiter.api.BeforeEach
    @AfterEach
    void forget() {
        System.clearProperty("org.sqlite.lib.path");
        System.clearProperty("org.sqlite.lib.name");
    }

    @Test
    void the_first_start_keeps_a_whole_copy_and_the_next_points_the_driver_at_it() throws Exception {
        SqliteNativeLibrary.useKeptCopy(data);
        assertThat(System.getProperty("org.sqlite.lib.path")).as("nothing kept yet").isNull();

        SqliteNativeLibrary.keepCopy(data);
        Path copy = awaitCopy();
        String inJar = org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath();
        try (var original = org.sqlite.JDBC.class.getResourceAsStream((inJar.startsWith("/") ? "" : "/") + inJar + "/"
                + copy.getFileName())) {
            assertThat(Files.readAllBytes(copy)).isEqualTo(original.readAllBytes());
        }
        try (Stream<Path> files = Files.list(copy.getParent())) {
            assertThat(files).as("no partial file left").containsExactly(copy);
        }

        SqliteNativeLibrary.useKeptCopy(data);
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo(copy.getParent().toString());
        assertThat(System.getProperty("org.sqlite.lib.name")).isEqualTo(copy.getFileName().toString());
    }

    @Test
    void a_library_the_user_named_is_left_alone() throws Exception {
        SqliteNativeLibrary.keepCopy(data);
        awaitCopy();
        System.setProperty("org.sqlite.lib.path", "/opt/own");
        SqliteNativeLibrary.useKeptCopy(data);
        assertThat(System.getProperty("org.sqlite.lib.path")).isEqualTo("/opt/own");
        assertThat(System.getProperty("org.sqlite.lib.name")).isNull();
    }

    private Path awaitCopy() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(data.resolve("native"))) {
                try (Stream<Path> versions = Files.walk(data.resolve("native"))) {
                    var found = versions.filter(path -> path.getFileName().toString()
                            .equals(org.sqlite.util.LibraryLoaderUtil.getNativeLibName())).findFirst();
                    if (found.isPresent()) {
                        return found.get();
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no copy was kept");
    }
}
