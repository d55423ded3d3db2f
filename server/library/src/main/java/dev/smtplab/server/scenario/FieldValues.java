package dev.smtplab.server.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the values of a rules file (text, counts, sizes, durations, replies, lists, fields) and
 * writes them back in the same form. A wrong value is a {@link FieldException} naming its key.
 */
final class FieldValues {
    private FieldValues() {
    }

    /** A mistake at a place in the file; the key path comes first ("rule 2: match.sender: ..."). */
    static final class FieldException extends RuntimeException {
        FieldException(String message) {
            super(message);
        }
    }

    static SmtpReply reply(Object value, String key) {
        String text = value instanceof List<?> lines
                ? String.join("\n", lines.stream().map(String::valueOf).toList()) : text(value, key);
        try {
            return SmtpReply.parse(text);
        } catch (IllegalArgumentException e) {
            throw new FieldException(key + ": " + e.getMessage());
        }
    }

    /** One line as "550 5.1.1 text"; several as a list whose first line has the code. */
    static Object replyValue(SmtpReply reply) {
        StringBuilder first = new StringBuilder().append(reply.code());
        if (reply.enhancedCode() != null) {
            first.append(' ').append(reply.enhancedCode());
        }
        if (!reply.lines().get(0).isEmpty()) {
            first.append(' ').append(reply.lines().get(0));
        }
        if (reply.lines().size() == 1) {
            return first.toString();
        }
        List<String> lines = new ArrayList<>();
        lines.add(first.toString());
        lines.addAll(reply.lines().subList(1, reply.lines().size()));
        return lines;
    }

    /** A field that is on or absent: "reset: true". */
    static void flag(Object value, String key) {
        if (!Boolean.TRUE.equals(value)) {
            throw new FieldException(key + ": write \"" + key.substring(key.lastIndexOf('.') + 1) + ": true\"");
        }
    }

    static Match.TextPattern regex(Object value, String key) {
        String text = text(value, key);
        try {
            return Match.TextPattern.regex(text);
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new FieldException(key + ": not a valid regular expression (RE2 syntax: no backreferences or "
                    + "lookaround): " + e.getDescription());
        }
    }

    static Duration duration(Object value, String key) {
        try {
            return Values.parseDuration(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new FieldException(key + ": " + e.getMessage());
        }
    }

    static String durationValue(Duration duration) {
        return duration.toMillis() + "ms";
    }

    static long size(Object value, String key) {
        try {
            return Values.parseSize(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new FieldException(key + ": " + e.getMessage());
        }
    }

    static int count(Object value, String key) {
        if (value instanceof Integer number && number >= 0) {
            return number;
        }
        throw new FieldException(key + ": expected a whole number, 0 or more, got " + describe(value));
    }

    /** Whole numbers as YAML and JSON readers give them back: an int when it fits. */
    static Object number(long value) {
        return value <= Integer.MAX_VALUE ? (Object) (int) value : (Object) value;
    }

    static String text(Object value, String key) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new FieldException(key + ": expected text, got " + describe(value));
    }

    static List<String> texts(Object value, String key) {
        if (value instanceof List<?> items) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                texts.add(text(items.get(i), key + "[" + (i + 1) + "]"));
            }
            return texts;
        }
        return List.of(text(value, key));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String key) {
        if (value instanceof Map<?, ?> map) {
            for (Object name : map.keySet()) {
                if (!(name instanceof String)) {
                    throw new FieldException(key + ": field names must be text, got " + describe(name));
                }
            }
            return (Map<String, Object>) map;
        }
        throw new FieldException(key + ": expected fields (name: value), got " + describe(value));
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String key) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new FieldException(key + ": expected a list (lines starting with \"- \"), got " + describe(value));
    }

    static void unknownKeys(Map<String, Object> fields, Set<String> known, String prefix) {
        for (String key : fields.keySet()) {
            if (!known.contains(key)) {
                throw new FieldException(prefix + key + ": unknown field; use "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map) {
            return "fields";
        }
        if (value instanceof List) {
            return "a list";
        }
        return "\"" + value + "\"";
    }
}
