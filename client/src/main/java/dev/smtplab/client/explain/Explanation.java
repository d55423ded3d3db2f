package dev.smtplab.client.explain;

import java.util.List;

/**
 * What a reply means, for people.
 *
 * @param summary   one line: what happened
 * @param details   what the code and the enhanced code each say
 * @param hint      what to do about it, or "" when nothing needs doing
 * @param hintLabel what the hint's line starts with ("hint: ")
 */
public record Explanation(String summary, List<String> details, String hint, String hintLabel) {
    public Explanation {
        details = List.copyOf(details);
    }

    public String text() {
        StringBuilder text = new StringBuilder(summary);
        for (String detail : details) {
            text.append("\n  ").append(detail);
        }
        if (!hint.isEmpty()) {
            text.append("\n  ").append(hintLabel).append(hint);
        }
        return text.toString();
    }
}
