package dev.smtplab.server.smtp;

/** AUTH secrets never reach a transcript: the initial response, and every answer to a 334. */
final class AuthRedaction {
    static final String MASK = "****";
    /** A line that answers an AUTH the server never asked about (no 334): kept out of the transcript too. */
    static final String UNASKED = MASK + "   [an AUTH answer sent before the server asked for it; not shown]";

    private AuthRedaction() {
    }

    /** "AUTH PLAIN" or "AUTH LOGIN" with no initial response: the client's next line may be a secret. */
    static boolean awaitsAnswer(String line) {
        return line.regionMatches(true, 0, "AUTH ", 0, 5) && line.trim().split("\\s+").length == 2;
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
