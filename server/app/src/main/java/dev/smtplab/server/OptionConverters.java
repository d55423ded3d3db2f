package dev.smtplab.server;

import dev.smtplab.server.scenario.IpLiteral;
import dev.smtplab.server.scenario.Presets;
import dev.smtplab.server.scenario.Values;
import picocli.CommandLine;

import java.net.InetAddress;
import java.util.ArrayList;

/** The command line's value types: each bad value gets a message that says what would do. */
final class OptionConverters {
    private OptionConverters() {
    }

    static final class PresetNames extends ArrayList<String> {
        PresetNames() {
            super(Presets.DESCRIPTIONS.keySet());
        }
    }

    static final class PersonalityNames extends ArrayList<String> {
        PersonalityNames() {
            super(dev.smtplab.server.scenario.Personality.BUILT_IN);
        }
    }

    static final class PortConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int port = parseInt(value, "a port");
            if (port < 0 || port > 65535) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a port: use 0 to 65535");
            }
            return port;
        }
    }

    static final class PositiveConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int number = parseInt(value, "a whole number");
            if (number < 1) {
                throw new CommandLine.TypeConversionException("'" + value + "' must be 1 or more");
            }
            return number;
        }
    }

    /** Bytes, or a number with KB, MB or GB (powers of 1024). */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long bytes;
            try {
                bytes = Values.parseSize(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage().replace('"', '\''));
            }
            if (bytes < 1 || bytes > FakeSmtpServer.MAX_MESSAGE_SIZE_LIMIT) {
                throw new CommandLine.TypeConversionException("'" + value + "' is out of range: use 1 byte to 2047MB");
            }
            return (int) bytes;
        }
    }

    /** A size in bytes that may pass 2 GB: a memory bound. */
    static final class MemorySizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long bytes;
            try {
                bytes = Values.parseSize(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage().replace('"', '\''));
            }
            if (bytes < 1) {
                throw new CommandLine.TypeConversionException("'" + value + "' is out of range: use 1 byte or more");
            }
            return bytes;
        }
    }

    /** An IP literal only: a name would need DNS, which the server never asks. */
    /** An age such as 90s, 30m, 12h or 7d. */
    static final class AgeConverter implements CommandLine.ITypeConverter<java.time.Duration> {
        private static final java.util.regex.Pattern AGE = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])");

        @Override
        public java.time.Duration convert(String value) {
            java.util.regex.Matcher age = AGE.matcher(value.trim().toLowerCase(java.util.Locale.ROOT));
            if (!age.matches() || Long.parseLong(age.group(1)) == 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an age: use a whole number "
                        + "above 0 and s, m, h or d, such as 7d");
            }
            long amount = Long.parseLong(age.group(1));
            return switch (age.group(2)) {
                case "s" -> java.time.Duration.ofSeconds(amount);
                case "m" -> java.time.Duration.ofMinutes(amount);
                case "h" -> java.time.Duration.ofHours(amount);
                default -> java.time.Duration.ofDays(amount);
            };
        }
    }

    static final class AddressConverter implements CommandLine.ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            if (value.equalsIgnoreCase("localhost")) {
                return InetAddress.getLoopbackAddress();
            }
            try {
                return IpLiteral.address(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not an IP address: use one such as 127.0.0.1, 0.0.0.0 or ::1");
            }
        }
    }

    private static int parseInt(String value, String what) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not " + what);
        }
    }
}
