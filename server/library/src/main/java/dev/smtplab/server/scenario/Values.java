package dev.smtplab.server.scenario;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations ("5s", "250ms", "2m") and sizes ("2048", "10KB", "25MB") as people write them. */
public final class Values {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|K|MB|M|GB|G)?");

    private Values() {
    }

    /** A duration; a bare number is seconds. */
    public static Duration parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration: write it like 5s, 250ms or 2m");
        }
        double amount = Double.parseDouble(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 1_000;
        };
        if (millis > Duration.ofDays(1).toMillis()) {
            throw new IllegalArgumentException("\"" + text + "\" is longer than a day");
        }
        return Duration.ofMillis(Math.round(millis));
    }

    /** A size in bytes; KB, MB and GB are powers of 1024. */
    public static long parseSize(String text) {
        Matcher matcher = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("\"" + text
                    + "\" is not a size: use bytes or a number with KB, MB or GB, such as 10MB");
        }
        String unit = matcher.group(2) == null ? "B" : matcher.group(2);
        long multiplier = switch (unit.charAt(0)) {
            case 'K' -> 1024L;
            case 'M' -> 1024L * 1024;
            case 'G' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        try {
            return Math.multiplyExact(Long.parseLong(matcher.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is too large");
        }
    }
}
