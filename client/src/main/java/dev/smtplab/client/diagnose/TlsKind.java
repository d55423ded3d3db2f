package dev.smtplab.client.diagnose;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How a port speaks TLS: STARTTLS after a plain greeting, or TLS from the first byte. */
public enum TlsKind {
    STARTTLS,
    IMPLICIT;

    @JsonValue
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
