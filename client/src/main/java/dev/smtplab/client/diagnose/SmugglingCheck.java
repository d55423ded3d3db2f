package dev.smtplab.client.diagnose;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;
import java.util.Locale;

/**
 * What the SMTP smuggling probe found on one host and port.
 *
 * @param variants each sequence tried alone; only when the server ended DATA early on the whole message
 * @param replies  the replies after the real end of data (the last is QUIT's)
 * @param detail   why the probe could not be tried, or null
 */
public record SmugglingCheck(String where, Outcome outcome, List<Variant> variants, List<String> replies,
                             String detail) {
    public SmugglingCheck {
        variants = List.copyOf(variants);
        replies = List.copyOf(replies);
    }

    public enum Outcome {
        /** One reply for the message: the sequences stayed in it. Not vulnerable. */
        KEPT_WHOLE,
        /** The text after a sequence was answered as commands: the server can be smuggled into. */
        ENDED_EARLY,
        /** The message was refused (bare CR or LF refused, say). Not vulnerable. */
        REFUSED,
        /** The probe could not send the message (a step was refused, the connection failed). */
        NOT_TRIED;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One sequence tried alone. */
    public record Variant(String sequence, Outcome outcome, List<String> replies) {
        public Variant {
            replies = List.copyOf(replies);
        }
    }

    /** The sequences this server took as the end of data. */
    public List<String> vulnerableTo() {
        return variants.stream().filter(v -> v.outcome() == Outcome.ENDED_EARLY).map(Variant::sequence).toList();
    }
}
