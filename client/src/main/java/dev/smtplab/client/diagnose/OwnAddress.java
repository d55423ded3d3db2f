package dev.smtplab.client.diagnose;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user's outgoing address as a server saw it: some servers name it in the first line of the
 * EHLO reply ("mx.google.com at your service, [203.0.113.5]"). Loopback and private addresses are
 * not what the internet sees, so they do not count.
 */
final class OwnAddress {
    private static final Pattern BRACKETED = Pattern.compile("\\[(?:IPv6:)?([0-9A-Fa-f:.]+)]");

    private OwnAddress() {
    }

    static String in(List<PortCheck> checks) {
        for (PortCheck check : checks) {
            String address = in(check.ehloGreeting());
            if (address != null) {
                return address;
            }
        }
        return null;
    }

    static String in(String greeting) {
        if (greeting == null) {
            return null;
        }
        Matcher matcher = BRACKETED.matcher(greeting);
        while (matcher.find()) {
            String address = matcher.group(1);
            if (dev.smtplab.client.protocol.HostAndPort.isIpLiteral(address) && isPublic(address)) {
                return address;
            }
        }
        return null;
    }

    private static boolean isPublic(String address) {
        try {
            java.net.InetAddress ip = java.net.InetAddress.getByName(address);
            return !(ip.isLoopbackAddress() || ip.isSiteLocalAddress() || ip.isLinkLocalAddress() || ip.isAnyLocalAddress()
                    || (ip.getAddress().length == 16 && (ip.getAddress()[0] & 0xfe) == 0xfc));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
