package dev.smtplab.client.protocol;

import java.io.IOException;

/** The server broke the protocol: it closed the connection mid-dialogue or sent something that is not a reply. */
public class SmtpProtocolException extends IOException {
    public SmtpProtocolException(String message) {
        super(message);
    }
}
