package dev.smtplab.server.smtp;

/** AUTH secrets never reach a transcript: the initial response, and every answer to a 334. */
final class AuthRedaction {
    static final String MASK = "****";

    private AuthRedaction() {
    }

    /**
     * The line as the transcript keeps it.
     *
     * @param answersChallenge the line answers a 334 (an AUTH exchange is under way)
     */
    static String transcriptText(String line, boolean answersChallenge) {
        if (answersChallenge) {
            // "*" cancels the exchange (RFC 4954, 4) and gives nothing away.
            return line.equals("*") ? line : MASK;
        }
        if (line.regionMatches(true, 0, "AUTH ", 0, 5)) {
            String[] words = line.trim().split("\\s+");
            if (words.length > 2) {
                return words[0] + " " + words[1] + " " + MASK;
            }
        }
        return line;
    }
}
