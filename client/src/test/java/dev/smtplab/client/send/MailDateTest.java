package dev.smtplab.client.send;

import org.junit.jupiter.api.Test;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Locale;
import java.util.Random;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/** The Date header written from the offset alone reads as the JDK's own RFC 5322 format gives it. */
class MailDateTest {
    @Test
    void every_instant_in_zones_with_odd_offsets_and_summer_time_matches_the_jdks_format() {
        Random random = new Random(5322);
        for (String id : new String[] {"UTC", "Asia/Tokyo", "America/New_York", "Asia/Kolkata", "America/St_Johns",
                "Pacific/Chatham", "Pacific/Kiritimati", "America/Adak", "Europe/Dublin"}) {
            TimeZone zone = TimeZone.getTimeZone(id);
            SimpleDateFormat reference = new SimpleDateFormat("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
            reference.setTimeZone(zone);
            for (int i = 0; i < 2_000; i++) {
                // From 1970 to 2100, and a few before 1970 (negative epoch seconds).
                long millis = (long) (random.nextDouble() * 4_200_000_000_000L) - 100_000_000_000L;
                assertThat(MailDate.format(millis, zone)).as("%s at %d", id, millis)
                        .isEqualTo(reference.format(new Date(millis)));
            }
        }
    }

    @Test
    void the_day_of_the_month_has_no_leading_zero_and_the_offset_its_sign() {
        assertThat(MailDate.format(1_780_000_000_000L - 1_780_000_000_000L % 86_400_000L + 3_600_000L,
                TimeZone.getTimeZone("America/St_Johns"))).matches("[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} "
                + "\\d{2}:\\d{2}:\\d{2} -0[23]30");
        assertThat(MailDate.format(0, TimeZone.getTimeZone("UTC"))).isEqualTo("Thu, 1 Jan 1970 00:00:00 +0000");
    }
}
