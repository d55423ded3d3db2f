package dev.smtplab.client.dns;

/** Where TXT records come from: a {@link Dns}, or a test's own table. */
@FunctionalInterface
public interface TxtLookup {
    Dns.TxtAnswer txt(String name);
}
