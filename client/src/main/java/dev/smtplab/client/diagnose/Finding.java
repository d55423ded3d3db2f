package dev.smtplab.client.diagnose;

/**
 * One thing the checks found.
 *
 * @param where "host:port", the domain, or "" for the whole target
 * @param hint  what to do about it; "" when nothing
 */
public record Finding(Severity severity, String where, String message, String hint) {
}
