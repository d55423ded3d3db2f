package dev.smtplab.server;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server never asks DNS: not for its own name, not for a client's address. The session runs
 * in a JVM of its own ({@link NoDnsProbe}), whose security manager writes down every lookup; this
 * JVM never installs one, so tests can run in parallel.
 */
class NoDnsLookupTest {

    @Test
    void a_whole_session_makes_no_name_lookup(@TempDir Path dir) throws Exception {
        assertThat(probe(dir)).as("name lookups made while the server ran").containsExactly("done");
    }

    @Test
    void the_probe_sees_a_lookup_when_one_is_made(@TempDir Path dir) throws Exception {
        assertThat(probe(dir, "self-check")).hasSize(2).endsWith("done").first().asString()
                .startsWith("lookup: probe.invalid");
    }

    /** The probe's lookup lines and "done". Its names resolve from an empty hosts file, never from DNS. */
    private static List<String> probe(Path dir, String... args) throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.net.hosts.file=" + hosts, "-cp", System.getProperty("java.class.path"),
                NoDnsProbe.class.getName()));
        command.addAll(List.of(args));
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
        probe.getOutputStream().close();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as(output).isZero();
        return output.lines().filter(line -> line.startsWith("lookup: ") || line.equals("done")).toList();
    }
}
