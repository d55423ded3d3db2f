package dev.smtplab.client.send;

import dev.smtplab.client.i18n.Texts;

import java.util.Locale;

/** One exit code per way a send can end, so scripts can tell failures apart (as swaks does). */
public enum ExitCode {
    SENT(0, "sent (or stopped cleanly at --quit-after)"),
    USAGE(1, "usage error"),
    CONNECTION_REFUSED(2, "connection refused"),
    CONNECT_TIMEOUT(3, "connect timed out (blocked or filtered)"),
    NAME_NOT_FOUND(4, "host name not found"),
    TLS_FAILURE(5, "TLS failure (handshake or certificate verification)"),
    CONNECTION_CLOSED(6, "connection closed by the server unexpectedly"),
    REPLY_TIMEOUT(7, "timed out waiting for a reply"),
    BANNER_REFUSED(21, "banner refused (greeting not 220)"),
    EHLO_REFUSED(22, "EHLO/HELO refused"),
    MAIL_REFUSED(23, "MAIL FROM refused"),
    RCPT_REFUSED(24, "every RCPT TO refused"),
    DATA_REFUSED(25, "DATA refused"),
    MESSAGE_REFUSED(26, "message refused after the final dot"),
    AUTH_REFUSED(28, "AUTH refused"),
    STARTTLS_REFUSED(29, "STARTTLS refused or not offered");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /**
     * What to try when a send ends this way without a reply to explain ({@code send.exit.NAME.hint});
     * "" when nothing general helps.
     */
    public String hint(Texts texts) {
        String key = "send.exit." + name().toLowerCase(Locale.ROOT) + ".hint";
        return texts.has(key) ? texts.get(key) : "";
    }
}
