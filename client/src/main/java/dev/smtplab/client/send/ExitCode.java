package dev.smtplab.client.send;

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

    /** What to try when a send ends this way without a reply to explain; "" when nothing general helps. */
    public String hint() {
        return switch (this) {
            case CONNECTION_REFUSED -> "check the host and port; is the server running?";
            case CONNECT_TIMEOUT -> "try port 587 with --starttls and AUTH, or ask your network provider to unblock the port";
            case NAME_NOT_FOUND -> "check the spelling of the host name, or give an IP address";
            case TLS_FAILURE -> "check the certificate (--ca-file for a private CA, --insecure to skip the check)";
            case CONNECTION_CLOSED -> "the server hung up: look at the transcript (--transcript) for its last words";
            case REPLY_TIMEOUT -> "the server is slow or stuck; raise --timeout-reply or try later";
            case STARTTLS_REFUSED -> "use --starttls-optional to go on without TLS, or --tls on port 465";
            case AUTH_REFUSED -> "check the user name and password, and whether AUTH needs STARTTLS first";
            default -> "";
        };
    }
}
