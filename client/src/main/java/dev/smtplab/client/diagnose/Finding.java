package dev.smtplab.client.diagnose;

/**
 * One thing the checks found.
 *
 * @param where "host:port", the domain, or "" for the whole target
 * @param hint  what to do about it; "" when nothing
 */
public record Finding(Severity severity, String where, String message, String hint) {
    /** The finding the texts word under {@code diagnose.KEY}, with its hint ({@code diagnose.KEY.hint}) if they have one. */
    static Finding of(dev.smtplab.client.i18n.Texts texts, Severity severity, String where, String key, Object... values) {
        return new Finding(severity, where, texts.get("diagnose." + key, values),
                texts.has("diagnose." + key + ".hint") ? texts.get("diagnose." + key + ".hint", values) : "");
    }
}
