package dev.smtplab.client.protocol;

import java.util.Locale;
import java.util.Optional;

/** The SASL mechanisms this client speaks, in the order it prefers them when the server offers several. */
public enum AuthMechanism {
    PLAIN("PLAIN"),
    LOGIN("LOGIN"),
    CRAM_MD5("CRAM-MD5");

    private final String wireName;

    AuthMechanism(String wireName) {
        this.wireName = wireName;
    }

    /** As in "AUTH CRAM-MD5" and the EHLO line. */
    public String wireName() {
        return wireName;
    }

    public static Optional<AuthMechanism> ofWireName(String name) {
        for (AuthMechanism mechanism : values()) {
            if (mechanism.wireName.equalsIgnoreCase(name.trim()) || mechanism.name().equalsIgnoreCase(name.trim())) {
                return Optional.of(mechanism);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
