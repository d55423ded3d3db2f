package dev.smtplab.server.scenario;

/** How the listening port behaves, before any SMTP is spoken. */
public enum ConnectionMode {
    /** Accepts connections and greets. */
    NORMAL,
    /** Looks firewalled: a connect hangs ("Trying...") and times out instead of being refused. */
    BLOCKED,
    /** Nothing listens: a connect is refused at once. */
    REFUSED,
    /** Accepts the TCP connection but never sends a greeting. */
    SILENT;

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
