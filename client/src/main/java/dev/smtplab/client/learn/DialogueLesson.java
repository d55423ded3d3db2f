package dev.smtplab.client.learn;

import dev.smtplab.server.FakeSmtpServer;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A lesson typed in an SMTP session against the fake server it starts in this process, on a free
 * loopback port.
 *
 * @param server how its server is set up (the folder is the lesson's own, for TLS material)
 */
record DialogueLesson(int number, String id, List<Step<DialogueEvent>> steps,
                      BiConsumer<FakeSmtpServer.Builder, Path> server) implements Lesson {
    FakeSmtpServer start(Path folder) {
        FakeSmtpServer.Builder builder = FakeSmtpServer.builder().hostName("mx.example.test");
        server.accept(builder, folder);
        return builder.build().start();
    }
}
