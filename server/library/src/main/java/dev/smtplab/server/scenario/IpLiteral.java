package dev.smtplab.server.scenario;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP address literals, read without DNS (a name is refused, never looked up). */
public final class IpLiteral {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private IpLiteral() {
    }

    static byte[] parse(String text) {
        String literal = text.trim();
        var ipv4 = IPV4.matcher(literal);
        if (ipv4.matches()) {
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(ipv4.group(i + 1));
                if (part > 255) {
                    throw invalid(literal);
                }
                bytes[i] = (byte) part;
            }
            return bytes;
        }
        if (IPV6.matcher(literal).matches()) {
            try {
                // A literal with a colon is parsed, never resolved.
                return InetAddress.getByName(literal).getAddress();
            } catch (UnknownHostException e) {
                throw invalid(literal);
            }
        }
        throw invalid(literal);
    }

    /**
     * The address a literal names.
     *
     * @throws IllegalArgumentException for anything but an IPv4 or IPv6 literal, names included
     */
    public static InetAddress address(String text) {
        byte[] bytes = parse(text);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw invalid(text.trim());
        }
    }

    private static IllegalArgumentException invalid(String literal) {
        return new IllegalArgumentException("\"" + literal + "\" is not an IP address");
    }
}
