package dev.smtplab.client.command;

/** "host", "host:port", "[::1]:port" as people write a server. */
record HostAndPort(String host, int port) {

    static HostAndPort parse(String text, int defaultPort) {
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
            return new HostAndPort(host, rest.isEmpty() ? defaultPort : port(rest.substring(1), text));
        }
        int colon = value.lastIndexOf(':');
        if (colon > 0 && value.indexOf(':') == colon) {
            return new HostAndPort(value.substring(0, colon), port(value.substring(colon + 1), text));
        }
        return new HostAndPort(value, defaultPort);
    }

    static int port(String text, String whole) {
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
