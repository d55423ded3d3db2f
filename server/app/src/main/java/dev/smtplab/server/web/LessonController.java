package dev.smtplab.server.web;

import io.javalin.http.Context;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The transcripts {@code smtplab learn} saves in the data folder ({@code learn/transcripts}), listed
 * and shown. They are the learner's own, on this machine, so only a user who may see every inbox
 * sees them.
 */
final class LessonController {
    /** The names the client gives them: lesson-6-20261205-224734.txt. */
    private static final Pattern NAME = Pattern.compile("lesson-(\\d{1,3})-(\\d{4})(\\d{2})(\\d{2})-(\\d{2})(\\d{2})(\\d{2})\\.txt");
    /** Their first line: # smtplab learn 6 (data): 3/3 steps. */
    private static final Pattern HEADING = Pattern.compile("# smtplab learn (\\d+) \\(([a-z0-9-]+)\\): (\\d+)/(\\d+) steps");

    private final Path folder;
    private final InboxScope scope;

    LessonController(Path folder, InboxScope scope) {
        this.folder = folder;
        this.scope = scope;
    }

    void list(Context ctx) {
        allowed(ctx);
        List<Dtos.LessonTranscript> transcripts = new ArrayList<>();
        if (folder != null && Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Matcher name = NAME.matcher(file.getFileName().toString());
                    if (name.matches() && Files.isRegularFile(file)) {
                        transcripts.add(describe(file, name));
                    }
                }
            } catch (IOException e) {
                throw new ApiException(500, "cannot list the lesson transcripts in " + folder + ": " + e.getMessage());
            }
        }
        transcripts.sort(Comparator.comparing(Dtos.LessonTranscript::savedAt).reversed()
                .thenComparing(Dtos.LessonTranscript::name));
        ctx.json(transcripts);
    }

    void one(Context ctx) {
        allowed(ctx);
        String name = ctx.pathParam("name");
        if (!NAME.matcher(name).matches()) {
            throw ApiException.badRequest("\"" + name + "\" is not the name of a lesson transcript "
                    + "(lesson-NUMBER-YYYYMMDD-HHMMSS.txt)");
        }
        try {
            if (folder == null) {
                throw new NoSuchFileException(name);
            }
            // Decoded leniently: a byte that is not UTF-8 shows as a replacement character, not an error.
            ctx.contentType("text/plain; charset=utf-8").result(new String(Files.readAllBytes(folder.resolve(name)),
                    StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("lesson transcript " + name);
        } catch (IOException e) {
            throw new ApiException(500, "cannot read the lesson transcript " + name + ": " + e.getMessage());
        }
    }

    private void allowed(Context ctx) {
        if (scope.allowed(ctx) != null) {
            throw new ApiException(403, "lesson transcripts are shown only to users who may see every inbox "
                    + "(--web-auth-inboxes)");
        }
    }

    private static Dtos.LessonTranscript describe(Path file, Matcher name) {
        String savedAt = name.group(2) + "-" + name.group(3) + "-" + name.group(4) + "T" + name.group(5) + ":"
                + name.group(6) + ":" + name.group(7);
        String heading;
        long size;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            heading = reader.readLine();
            size = Files.size(file);
        } catch (IOException | UncheckedIOException e) {
            heading = null;
            size = 0;
        }
        Matcher parts = heading == null ? null : HEADING.matcher(heading);
        if (parts == null || !parts.matches()) {
            return new Dtos.LessonTranscript(file.getFileName().toString(), Integer.parseInt(name.group(1)), null,
                    null, null, false, savedAt, size);
        }
        int reached = Integer.parseInt(parts.group(3));
        int steps = Integer.parseInt(parts.group(4));
        return new Dtos.LessonTranscript(file.getFileName().toString(), Integer.parseInt(parts.group(1)),
                parts.group(2), reached, steps, steps > 0 && reached >= steps, savedAt, size);
    }
}
