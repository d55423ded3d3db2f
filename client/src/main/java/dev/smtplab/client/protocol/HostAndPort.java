package dev.smtplab.client.protocol;

/** "host", "host:port", "[::1]:port" as people write a server; IPv6 addresses get their brackets back. */
public record HostAndPort(String host, int port) {

    /** "host:port", with an IPv6 address in brackets: "[::1]:2525". */
    public static String format(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return format(host, port);
    }

    public static HostAndPort parse(String text, int defaultPort) {
        String value = text.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("the server is empty: give HOST or HOST:PORT");
        }
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("\"" + text + "\": an IPv6 address in brackets needs its ]");
            }
            String host = value.substring(1, close);
            String rest = value.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("\"" + text + "\": after ] comes :PORT or nothing");
            }
            return new HostAndPort(host, rest.isEmpty() ? defaultPort : port(rest.substring(1), text));
        }
        int colon = value.lastIndexOf(':');
        if (colon > 0 && value.indexOf(':') == colon) {
            return new HostAndPort(value.substring(0, colon), port(value.substring(colon + 1), text));
        }
        return new HostAndPort(value, defaultPort);
    }

    /**
     * An address as people write it: IPv6 in RFC 5952's short form ("::1", "2001:db8::5"), where
     * Java writes every group ("0:0:0:0:0:0:0:1"); anything else unchanged.
     */
    public static String compact(String address) {
        if (address == null || !isIpLiteral(address) || !address.contains(":")) {
            return address;
        }
        String[] groups = address.replaceFirst("%.*$", "").split(":", -1);
        if (groups.length != 8) {
            return address;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int start = 0; start < 8; start++) {
            int length = 0;
            while (start + length < 8 && groups[start + length].matches("0+")) {
                length++;
            }
            if (length > bestLength) {
                bestStart = start;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            text.append(groups[i].replaceFirst("^0+(?=.)", "").toLowerCase());
            if (i < 7) {
                text.append(':');
            }
        }
        return text.toString();
    }

    /** True for an IPv4 or IPv6 address literal, which connects without asking DNS. */
    public static boolean isIpLiteral(String host) {
        if (host.matches("(\\d{1,3})(\\.\\d{1,3}){3}")) {
            for (String part : host.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        // IPv6 has at least two colons ("::1"); "127.0.0.1:25" is a host and a port.
        return host.chars().filter(c -> c == ':').count() >= 2 && host.matches("[0-9a-fA-F:.]+");
    }

    public static int port(String text, String whole) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("\"" + whole + "\": the port must be a number from 1 to 65535");
    }
}
