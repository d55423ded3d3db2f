package dev.smtplab.client.send;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.TimeZone;

/**
 * The Date header's text (RFC 5322, 3.3), "Sat, 5 Dec 2026 22:57:18 +0900", as swaks writes it:
 * from the zone's offset alone. Jakarta Mail's MailDateFormat adds the zone's name as a comment
 * ("(JST)"), and looking that name up loads the JDK's locale data: 10-20 ms of a 140 ms send.
 */
final class MailDate {
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};

    private MailDate() {
    }

    static String now() {
        return format(System.currentTimeMillis(), TimeZone.getDefault());
    }

    static String format(long epochMillis, TimeZone zone) {
        int offsetSeconds = zone.getOffset(epochMillis) / 1000;
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L), 0,
                ZoneOffset.ofTotalSeconds(offsetSeconds));
        StringBuilder text = new StringBuilder(32);
        text.append(DAYS[time.getDayOfWeek().ordinal()]).append(", ").append(time.getDayOfMonth()).append(' ')
                .append(MONTHS[time.getMonthValue() - 1]).append(' ').append(time.getYear()).append(' ');
        twoDigits(text, time.getHour()).append(':');
        twoDigits(text, time.getMinute()).append(':');
        twoDigits(text, time.getSecond()).append(' ').append(offsetSeconds < 0 ? '-' : '+');
        int offsetMinutes = Math.abs(offsetSeconds) / 60;
        twoDigits(text, offsetMinutes / 60);
        return twoDigits(text, offsetMinutes % 60).toString();
    }

    private static StringBuilder twoDigits(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
