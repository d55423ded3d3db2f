package dev.smtplab.client.record;

import dev.smtplab.client.protocol.SmtpConnection;

import java.io.IOException;

/** The real server a recording relays to: how to connect, and how to start TLS there, as the options say. */
public interface Upstream {
    SmtpConnection open() throws IOException;

    void startTls(SmtpConnection connection) throws IOException;
}
