package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client jar's classes can all go into the class-data-sharing archive the launcher makes
 * (client/src/build/UpgradeClassFiles.java rewrites picocli's Java 5 class files at packaging), so a
 * start maps them instead of parsing and verifying them again.
 */
class ClientJarTest {
    @TempDir
    Path folder;

    @Test
    void every_class_file_in_the_client_jar_is_recent_enough_for_the_archive() throws Exception {
        List<String> tooOld = new ArrayList<>();
        int picocli = 0;
        try (JarFile jar = new JarFile(Peers.clientJar().toFile())) {
            for (JarEntry entry : java.util.Collections.list(jar.entries())) {
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    byte[] header = in.readNBytes(8);
                    int major = (header[6] & 0xff) << 8 | header[7] & 0xff;
                    if (major < 50) {
                        tooOld.add(entry.getName() + " (" + major + ")");
                    }
                }
                picocli += entry.getName().startsWith("picocli/") ? 1 : 0;
            }
        }
        assertThat(picocli).as("picocli's classes are in the jar").isGreaterThan(100);
        assertThat(tooOld).as("class files older than Java 6, which no archive can hold").isEmpty();
    }

    @Test
    void a_send_loads_picocli_and_the_dialogue_from_the_archive_made_as_the_launcher_makes_it() throws Exception {
        Path archive = folder.resolve("client.jsa");
        // Trained as the launcher trains it: a whole send, to a fake server in the training run.
        run("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-cp",
                Peers.clientJar().toString(), "dev.smtplab.client.StartupTraining");
        assertThat(archive).isRegularFile();
        try (FakeSmtpServer server = FakeSmtpServer.builder().build().start()) {
            String loaded = run("-XX:SharedArchiveFile=" + archive, "-Xlog:class+load", "-jar",
                    Peers.clientJar().toString(), "send", "--server", "127.0.0.1:" + server.port(), "--from",
                    "a@example.test", "--to", "b@example.test");
            assertThat(server.messages()).hasSize(1);
            for (String name : List.of("picocli.CommandLine", "dev.smtplab.client.send.SmtpSender",
                    "dev.smtplab.client.protocol.EhloExchange", "dev.smtplab.client.protocol.Reply")) {
                assertThat(loaded.lines().filter(line -> line.contains(" " + name + " ")))
                        .as(name).singleElement().asString().contains("source: shared objects file");
            }
        }
    }

    private String run(String... javaArguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(javaArguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(output, StandardCharsets.UTF_8);
    }
}
