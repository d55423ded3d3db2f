package dev.smtplab.server.scenario;

import java.time.Duration;
import java.util.Objects;

/** What a firing rule does. Delay and Throttle let the dialogue carry on; the others decide the reply. */
public sealed interface Effect {

    /** What the effect does, in a few words, for transcripts and the UI. */
    default String describe() {
        if (this instanceof Reply reply) {
            return "reply " + reply.reply().code();
        } else if (this instanceof ReplyAndClose reply) {
            return "reply " + reply.reply().code() + " and close";
        } else if (this instanceof Reset) {
            return "reset the connection";
        } else if (this instanceof Delay delay) {
            return "delay " + delay.delay().toMillis() + " ms";
        } else if (this instanceof Silence) {
            return "silence";
        } else if (this instanceof Throttle throttle) {
            return "throttle replies to " + throttle.bytesPerSecond() + " bytes/s";
        } else if (this instanceof DropMidMessage drop) {
            return "reset the connection after " + drop.afterOctets() + " octets of the message";
        } else if (this instanceof FailTlsHandshake) {
            return "fail the TLS handshake";
        } else if (this instanceof Discard) {
            return "accept and discard the message";
        }
        return toString();
    }

    /** Whether later rules, and the normal handling, still run after this effect. */
    default boolean carriesOn() {
        return false;
    }

    /** Send this reply instead of the normal one; the session goes on. */
    record Reply(SmtpReply reply) implements Effect {
        public Reply {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /** Send this reply, then close the connection. */
    record ReplyAndClose(SmtpReply reply) implements Effect {
        public ReplyAndClose {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /** Close at once with a TCP reset, no reply. */
    record Reset() implements Effect {
    }

    /** Wait, then carry on as normal. */
    record Delay(Duration delay) implements Effect {
        public Delay {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay may not be negative, got " + delay);
            }
        }

        @Override
        public boolean carriesOn() {
            return true;
        }
    }

    /** Never answer; the connection stays open until the client gives up (or the idle timeout). */
    record Silence() implements Effect {
    }

    /** From now on, send replies at most this many bytes per second. */
    record Throttle(long bytesPerSecond) implements Effect {
        public Throttle {
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("throttle must be 1 byte/s or more, got " + bytesPerSecond);
            }
        }

        @Override
        public boolean carriesOn() {
            return true;
        }
    }

    /** At STARTTLS: say 220, then end the TLS handshake with a fatal handshake_failure alert. */
    record FailTlsHandshake() implements Effect {
    }

    /** At DATA: send the 354, then reset the connection once this many octets of content arrived. */
    record DropMidMessage(long afterOctets) implements Effect {
        public DropMidMessage {
            if (afterOctets < 0) {
                throw new IllegalArgumentException("after may not be negative, got " + afterOctets);
            }
        }
    }

    /** At MESSAGE: answer 250 as usual but keep nothing. */
    record Discard() implements Effect {
    }
}
