package dev.smtplab.server.scenario;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Addresses whose local part says what should happen to them, in any domain:
 * {@code reject-550@x.test} and {@code reject-550-5.1.1@x.test} get that reply;
 * {@code tempfail-451@x.test} fails the first attempt and is accepted on the retry;
 * {@code delay-5s@x.test} makes that reply come 5 seconds late;
 * {@code bounce-550-5.1.1@x.test} (as a recipient) is accepted, then bounces with that reply
 * {@value #BOUNCE_SECONDS} s later, and {@code bounce-after-30s@x.test} bounces (550 5.1.1) after 30 s.
 */
public sealed interface MagicAddress {
    Duration MAX_DELAY = Duration.ofMinutes(10);

    Pattern REJECT = Pattern.compile("reject-([45]\\d\\d)(?:-([45]\\.\\d{1,3}\\.\\d{1,3}))?", Pattern.CASE_INSENSITIVE);
    Pattern TEMPFAIL = Pattern.compile("tempfail-([45]\\d\\d)(?:-([45]\\.\\d{1,3}\\.\\d{1,3}))?", Pattern.CASE_INSENSITIVE);
    Pattern DELAY = Pattern.compile("delay-(\\d{1,4})s", Pattern.CASE_INSENSITIVE);
    Pattern BOUNCE = Pattern.compile("bounce-([45]\\d\\d)(?:-([45]\\.\\d{1,3}\\.\\d{1,3}))?", Pattern.CASE_INSENSITIVE);
    Pattern BOUNCE_AFTER = Pattern.compile("bounce-after-(\\d{1,5})s", Pattern.CASE_INSENSITIVE);
    /** How long a bounce-NNN@ address waits before its bounce. */
    int BOUNCE_SECONDS = 2;

    /** The address gets this reply every time. */
    record Reject(SmtpReply reply) implements MagicAddress {
    }

    /** The first attempt gets this reply; a retry is accepted. */
    record Tempfail(SmtpReply reply) implements MagicAddress {
    }

    /** The reply to this address comes late. */
    record Delay(Duration delay) implements MagicAddress {
    }

    /** The recipient is accepted, then bounces with this reply after the delay. */
    record Bounce(SmtpReply reply, Duration after) implements MagicAddress {
    }

    /** What the address asks for, if its local part is magic; a code that cannot be a reply is not magic. */
    static Optional<MagicAddress> of(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        Matcher reject = REJECT.matcher(local);
        if (reject.matches()) {
            return reply(reject, address, "rejected as its magic local part asks").map(Reject::new);
        }
        Matcher tempfail = TEMPFAIL.matcher(local);
        if (tempfail.matches()) {
            return reply(tempfail, address, "failed once as its magic local part asks; try again")
                    .map(Tempfail::new);
        }
        Matcher bounceAfter = BOUNCE_AFTER.matcher(local);
        if (bounceAfter.matches()) {
            Duration after = Duration.ofSeconds(Long.parseLong(bounceAfter.group(1)));
            return Optional.of(new Bounce(Effect.Bounce.DEFAULT_REPLY,
                    after.compareTo(Effect.Notices.MAX_DELAY) > 0 ? Effect.Notices.MAX_DELAY : after));
        }
        Matcher bounce = BOUNCE.matcher(local);
        if (bounce.matches()) {
            return reply(bounce, address, "bounced as its magic local part asks")
                    .map(reply -> new Bounce(reply, Duration.ofSeconds(BOUNCE_SECONDS)));
        }
        Matcher delay = DELAY.matcher(local);
        if (delay.matches()) {
            Duration duration = Duration.ofSeconds(Long.parseLong(delay.group(1)));
            return Optional.of(new Delay(duration.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : duration));
        }
        return Optional.empty();
    }

    private static Optional<SmtpReply> reply(Matcher matcher, String address, String text) {
        int code = Integer.parseInt(matcher.group(1));
        String enhanced = matcher.group(2) != null ? matcher.group(2) : (code / 100) + ".0.0";
        if (enhanced.charAt(0) != matcher.group(1).charAt(0)) {
            return Optional.empty();
        }
        return Optional.of(SmtpReply.of(code, enhanced, "<" + address + ">: " + text));
    }
}
