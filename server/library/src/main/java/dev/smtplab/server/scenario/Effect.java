package dev.smtplab.server.scenario;

import java.time.Duration;
import java.util.Objects;

/** What a firing rule does. Delay and Throttle let the dialogue carry on; the others decide the reply. */
public sealed interface Effect {

    /** What the effect does, for transcripts, the API and the UI: "reply 550 5.1.1 No such user". */
    String describe();

    /** Whether later rules, and the normal handling, still run after this effect. */
    default boolean carriesOn() {
        return false;
    }

    /** Send this reply instead of the normal one; the session goes on. */
    record Reply(SmtpReply reply) implements Effect {
        @Override
        public String describe() {
            return "reply " + reply.oneLine();
        }

        public Reply {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /** Send this reply, then close the connection. */
    record ReplyAndClose(SmtpReply reply) implements Effect {
        @Override
        public String describe() {
            return "reply " + reply.oneLine() + ", then close";
        }

        public ReplyAndClose {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /** Close at once with a TCP reset, no reply. */
    record Reset() implements Effect {
        @Override
        public String describe() {
            return "reset the connection";
        }
    }

    /** Wait, then carry on as normal. */
    record Delay(Duration delay) implements Effect {
        @Override
        public String describe() {
            return "delay " + delay.toMillis() + " ms";
        }

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
        @Override
        public String describe() {
            return "silence";
        }
    }

    /** From now on, send replies at most this many bytes per second. */
    record Throttle(long bytesPerSecond) implements Effect {
        @Override
        public String describe() {
            return "throttle replies to " + bytesPerSecond + " bytes/s";
        }

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
        @Override
        public String describe() {
            return "fail the TLS handshake";
        }
    }

    /** At DATA: send the 354, then reset the connection once this many octets of content arrived. */
    record DropMidMessage(long afterOctets) implements Effect {
        @Override
        public String describe() {
            return "reset the connection after " + afterOctets + " octets of the message";
        }

        public DropMidMessage {
            if (afterOctets < 0) {
                throw new IllegalArgumentException("after may not be negative, got " + afterOctets);
            }
        }
    }

    /** At MESSAGE: answer 250 as usual but keep nothing. */
    record Discard() implements Effect {
        @Override
        public String describe() {
            return "accept and discard the message";
        }
    }

    /**
     * At RCPT (that recipient) or MESSAGE (every recipient): accept as usual, then, once the message
     * is accepted and after the delay, send its sender a failure notification (an RFC 3464 DSN) that
     * gives this reply as the reason, as a server that accepts now and bounces later does.
     */
    record Bounce(SmtpReply reply, Duration after) implements Effect {
        /** What a bounce says unless told otherwise, as Postfix words an unknown user. */
        public static final SmtpReply DEFAULT_REPLY = SmtpReply.of(550, "5.1.1",
                "<{address}>: Recipient address rejected: User unknown in local recipient table");

        public Bounce {
            Objects.requireNonNull(reply, "reply");
            if (reply.code() < 400) {
                throw new IllegalArgumentException("a bounce's reply is a failure (4xx or 5xx), got " + reply.code());
            }
            Notices.checkDelay(after);
        }

        @Override
        public String describe() {
            return "accept, then bounce after " + after.toMillis() + " ms: " + reply.oneLine();
        }

        @Override
        public boolean carriesOn() {
            return true;
        }
    }

    /**
     * As {@link Bounce}, but a "delayed, still trying" notification (Action: delayed): the reply
     * (4xx) says why delivery is late.
     */
    record DelayNotice(SmtpReply reply, Duration after) implements Effect {
        /** What a delay notice says unless told otherwise. */
        public static final SmtpReply DEFAULT_REPLY = SmtpReply.of(451, "4.4.1",
                "<{address}>: host not responding, still trying");

        public DelayNotice {
            Objects.requireNonNull(reply, "reply");
            if (reply.code() / 100 != 4) {
                throw new IllegalArgumentException("a delay notice's reply is a temporary failure (4xx), got "
                        + reply.code());
            }
            Notices.checkDelay(after);
        }

        @Override
        public String describe() {
            return "accept, then send a delay notice after " + after.toMillis() + " ms: " + reply.oneLine();
        }

        @Override
        public boolean carriesOn() {
            return true;
        }
    }

    /** The limits the notification effects share. */
    final class Notices {
        /** Longer than a test waits, short of a real queue's days. */
        public static final Duration MAX_DELAY = Duration.ofHours(24);

        private Notices() {
        }

        static void checkDelay(Duration after) {
            if (after.isNegative() || after.compareTo(MAX_DELAY) > 0) {
                throw new IllegalArgumentException("after must be from 0 to 24h, got " + after);
            }
        }
    }
}
