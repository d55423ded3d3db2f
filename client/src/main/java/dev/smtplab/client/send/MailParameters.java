package dev.smtplab.client.send;

import dev.smtplab.client.protocol.Extensions;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The MAIL FROM parameters a message needs, for the extensions the server offers. */
final class MailParameters {
    private MailParameters() {
    }

    /**
     * " SIZE=n" when SIZE is offered (RFC 1870); " BODY=8BITMIME" for a message with 8-bit bytes
     * when 8BITMIME is offered (RFC 6152); " SMTPUTF8" for non-ASCII addresses when SMTPUTF8 is
     * offered (RFC 6531); "" when none applies.
     */
    static String of(byte[] message, String from, List<String> recipients, Extensions extensions) {
        StringBuilder parameters = new StringBuilder();
        if (extensions.offers("SIZE")) {
            parameters.append(" SIZE=").append(message.length);
        }
        if (hasEightBitBytes(message) && extensions.offers("8BITMIME")) {
            parameters.append(" BODY=8BITMIME");
        }
        boolean utf8Addresses = !isAscii(from) || recipients.stream().anyMatch(recipient -> !isAscii(recipient));
        if (utf8Addresses && extensions.offers("SMTPUTF8")) {
            parameters.append(" SMTPUTF8");
        }
        return parameters.toString();
    }

    private static boolean hasEightBitBytes(byte[] message) {
        for (byte b : message) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAscii(String text) {
        return StandardCharsets.US_ASCII.newEncoder().canEncode(text);
    }
}
