package dev.smtplab.server.record;

import dev.smtplab.server.scenario.SmtpStage;

import java.time.Instant;
import java.util.Objects;

/**
 * A 4xx or 5xx reply the server sent, and the stage of the dialogue it answered.
 *
 * @param stage CONNECT for the greeting, MESSAGE for the reply after the content, the command's
 *              stage otherwise; ANY_COMMAND for a line with no stage of its own (an unknown verb,
 *              a malformed line)
 * @param code  the reply code
 * @param reply the whole reply as sent, lines joined by CRLF
 */
public record Rejection(Instant at, SmtpStage stage, int code, String reply) {
    public Rejection {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reply, "reply");
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("a rejection has a 4xx or 5xx code, got " + code);
        }
    }

    /** True for 4xx: the client may try again later. */
    public boolean isTransient() {
        return code < 500;
    }

    /** The last line of the reply, which carries the code without a continuation dash. */
    public String lastLine() {
        int cut = reply.lastIndexOf("\r\n");
        return cut < 0 ? reply : reply.substring(cut + 2);
    }
}
