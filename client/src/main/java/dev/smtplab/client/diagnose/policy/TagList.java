package dev.smtplab.client.diagnose.policy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The "tag=value; tag=value" syntax DMARC, TLS-RPT and MTA-STS records share (RFC 6376, 3.2). */
final class TagList {
    private TagList() {
    }

    /**
     * The tags in order, names lower-cased, values trimmed.
     *
     * @throws IllegalArgumentException naming the first part that is not "tag=value", or a tag given twice
     */
    static Map<String, String> parse(String record) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : record.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int equals = part.indexOf('=');
            if (equals <= 0 || part.substring(0, equals).isBlank()) {
                throw new IllegalArgumentException("\"" + part.trim() + "\" is not tag=value");
            }
            String name = part.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            if (tags.put(name, part.substring(equals + 1).trim()) != null) {
                throw new IllegalArgumentException("the tag " + name + " is given twice");
            }
        }
        return tags;
    }
}
