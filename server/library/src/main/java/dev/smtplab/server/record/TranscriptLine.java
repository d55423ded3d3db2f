package dev.smtplab.server.record;

import java.time.Instant;
import java.util.Objects;

/** One line of a session transcript: when, which way, and what (AUTH secrets already masked). */
public record TranscriptLine(Instant at, Direction direction, String text) {
    public TranscriptLine {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        String arrow = switch (direction) {
            case CLIENT -> "C: ";
            case SERVER -> "S: ";
            case EVENT -> "-- ";
        };
        return arrow + text;
    }
}
