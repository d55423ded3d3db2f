package dev.smtplab.server.record;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One RCPT TO of a transaction, whether the server accepted it or not.
 *
 * @param address    the address between the angle brackets
 * @param parameters the ESMTP parameters after the address (NOTIFY, ORCPT ...) in the order sent; a
 *                   parameter without a value maps to ""
 * @param replyCode  the reply code the server sent for this RCPT
 * @param reply      the whole reply the server sent, code included
 */
public record Recipient(String address, Map<String, String> parameters, int replyCode, String reply) {
    public Recipient {
        Objects.requireNonNull(address, "address");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        Objects.requireNonNull(reply, "reply");
    }

    /** True when the server answered 2xx, so the message went to this recipient. */
    public boolean accepted() {
        return replyCode >= 200 && replyCode < 300;
    }
}
