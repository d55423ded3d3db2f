package dev.smtplab.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * SQLite's native library, kept in the data folder after the first start. Without it the driver
 * works out the platform each start by running {@code uname -o} and copies the library out of its
 * jar: a tenth of a second on the way to the first 220. A copy that cannot be loaded is passed
 * over (the driver then does as before), and a copy is written whole or not at all.
 */
final class SqliteNativeLibrary {
    private static final String PATH = "org.sqlite.lib.path";
    private static final String NAME = "org.sqlite.lib.name";

    private SqliteNativeLibrary() {
    }

    /** Where this driver version keeps its copy for this platform. */
    private static Path folder(Path dataFolder) {
        return dataFolder.resolve("native").resolve("sqlite-jdbc-" + org.sqlite.SQLiteJDBCLoader.getVersion() + "-"
                + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).replace(' ', '-') + "-"
                + System.getProperty("os.arch"));
    }

    /** Points the driver at the copy made by an earlier start, unless told otherwise already. */
    static void useKeptCopy(Path dataFolder) {
        if (System.getProperty(PATH) != null || System.getProperty(NAME) != null) {
            return;
        }
        Path folder = folder(dataFolder);
        String name = org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
        if (Files.isRegularFile(folder.resolve(name))) {
            System.setProperty(PATH, folder.toString());
            System.setProperty(NAME, name);
        }
    }

    /** Keeps a copy of the library the driver loaded, for the next start; on a thread of its own. */
    static void keepCopy(Path dataFolder) {
        Path folder = folder(dataFolder);
        String name = org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
        if (Files.isRegularFile(folder.resolve(name)) || System.getProperty(PATH) != null) {
            return;
        }
        Thread copier = new Thread(() -> {
            String folderInJar = org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath();
            String resource = (folderInJar.startsWith("/") ? "" : "/") + folderInJar + "/" + name;
            try (InputStream library = org.sqlite.JDBC.class.getResourceAsStream(resource)) {
                if (library == null) {
                    return;
                }
                Files.createDirectories(folder);
                Path partial = Files.createTempFile(folder, name, ".partial");
                try {
                    Files.copy(library, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(partial);
                }
            } catch (IOException | RuntimeException e) {
                // The next start does as this one did.
            }
        }, "smtplab-sqlite-library-copy");
        copier.setDaemon(true);
        copier.start();
    }
}
