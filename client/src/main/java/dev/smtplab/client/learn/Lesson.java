package dev.smtplab.client.learn;

import dev.smtplab.server.FakeSmtpServer;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A lesson: its texts ({@code lesson.ID.title}, {@code .intro}, {@code .outro}), its steps, and the
 * fake server it starts for the learner, on a free loopback port, in this process.
 *
 * @param number the number the learner types ({@code smtplab learn 6}), as the lesson list gives them
 * @param server how its server is set up (the folder is the lesson's own, for TLS material)
 */
record Lesson(int number, String id, List<Step> steps, BiConsumer<FakeSmtpServer.Builder, Path> server) {
    FakeSmtpServer start(Path folder) {
        FakeSmtpServer.Builder builder = FakeSmtpServer.builder().hostName("mx.example.test");
        server.accept(builder, folder);
        return builder.build().start();
    }
}
