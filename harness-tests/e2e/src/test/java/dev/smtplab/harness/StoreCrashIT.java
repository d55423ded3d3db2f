package dev.smtplab.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQLite store's promise, tested the hard way: the packaged server is killed with SIGKILL in the
 * middle of a load run, started again on the same file, and every message that got a 250 is there,
 * none twice.
 */
@Timeout(180)
class StoreCrashIT {
    private static final Pattern LISTENING = Pattern.compile("SMTP Lab listening on smtp://127\\.0\\.0\\.1:(\\d+) .*");
    private static final Pattern WEB = Pattern.compile("web UI and API on http://127\\.0\\.0\\.1:(\\d+).*");

    @TempDir
    Path data;

    /** A running server: its process and ports. */
    private record Server(Process process, int smtpPort, int webPort) {
    }

    private Server start() throws Exception {
        Process process = new ProcessBuilder(Peers.java(), "-jar", Peers.serverJar().toString(), "--smtp-port", "0",
                "--web-port", "0", "--no-tls", "--data-dir", data.toString(), "--store", "sqlite",
                "--max-messages", "100000").redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Matcher smtp = LISTENING.matcher(String.valueOf(output.readLine()));
        assertThat(smtp.matches()).as("first line of the server").isTrue();
        Matcher web = WEB.matcher(String.valueOf(output.readLine()));
        assertThat(web.matches()).isTrue();
        Thread drain = new Thread(() -> {
            try {
                output.transferTo(java.io.Writer.nullWriter());
            } catch (java.io.IOException ignored) {
                // the process was killed
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new Server(process, Integer.parseInt(smtp.group(1)), Integer.parseInt(web.group(1)));
    }

    @Test
    void every_message_that_got_a_250_is_there_after_sigkill_and_restart_and_none_twice() throws Exception {
        Server server = start();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();   // queued-as id -> subject
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Future<?>> running = new ArrayList<>();
        for (int client = 0; client < 8; client++) {
            int number = client;
            running.add(clients.submit(() -> ServerLoad.sendUntilCut(server.smtpPort(), "c" + number, acknowledged)));
        }
        long ends = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (acknowledged.size() < 400 && System.nanoTime() < ends) {
            Thread.sleep(10);
        }
        server.process().destroyForcibly();   // SIGKILL: no shutdown hook, no close
        assertThat(server.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (Future<?> client : running) {
            client.get(30, TimeUnit.SECONDS);
        }
        clients.shutdownNow();
        assertThat(acknowledged).as("messages acknowledged before the kill").hasSizeGreaterThanOrEqualTo(400);

        Server restarted = start();
        try {
            Map<String, String> stored = ServerLoad.everyMessage(restarted.webPort());
            assertThat(stored).containsAllEntriesOf(acknowledged);
            Set<String> subjects = ConcurrentHashMap.newKeySet();
            for (String subject : stored.values()) {
                assertThat(subjects.add(subject)).as("stored once: %s", subject).isTrue();
            }
            assertThat(ServerLoad.send(restarted.smtpPort(), "after-restart")).as("ids continue after the stored ones")
                    .matches(reply -> {
                        Matcher queued = ServerLoad.QUEUED.matcher(reply);
                        return queued.matches() && !stored.containsKey(queued.group(1));
                    });
        } finally {
            restarted.process().destroyForcibly();
            restarted.process().waitFor(10, TimeUnit.SECONDS);
        }
    }

}
