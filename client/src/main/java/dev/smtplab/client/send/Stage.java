package dev.smtplab.client.send;

import java.util.Locale;

/** The steps of a send, in order; --quit-after names one. */
public enum Stage {
    CONNECT, BANNER, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, MESSAGE, QUIT;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
