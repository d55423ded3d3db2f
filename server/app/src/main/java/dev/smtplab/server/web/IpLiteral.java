package dev.smtplab.server.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An IP address written out ("192.0.2.10", "::1"), read without ever asking DNS:
 * {@link InetAddress#getByName} looks up anything that is not a well-formed literal, such as
 * "999.1.1.1", so only a well-formed one is handed to it.
 */
final class IpLiteral {
    private IpLiteral() {
    }

    static Optional<InetAddress> parse(String text) {
        boolean ipv4 = text.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (ipv4) {
            for (String octet : text.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return Optional.empty();
                }
            }
        } else if (!text.contains(":") || !text.matches("[0-9a-fA-F:.]+")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
