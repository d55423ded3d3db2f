package dev.smtplab.client.protocol;

/** Where an SMTP reply should be, the server sent TLS: the port speaks TLS from the first byte. */
public final class TlsBytesException extends SmtpProtocolException {
    public TlsBytesException() {
        super("the server answered in TLS, not plain SMTP: this port speaks TLS from the first byte (use --tls)");
    }
}
