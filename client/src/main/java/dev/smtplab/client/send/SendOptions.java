package dev.smtplab.client.send;

import dev.smtplab.client.protocol.AuthMechanism;
import dev.smtplab.client.protocol.HostAndPort;
import dev.smtplab.client.protocol.TlsSettings;

import java.time.Duration;
import java.util.List;

/**
 * Everything a send needs: where, who, what, and how.
 *
 * @param message    the message bytes to send, CRLF line endings, not yet dot-stuffed
 * @param authMech   the AUTH mechanism; null to pick from what the server offers
 * @param quitAfter  stop (politely) after this stage; null to send the message
 * @param showSecrets let transcripts show AUTH secrets instead of ****
 */
public record SendOptions(String host, int port, String helo, String from, List<String> recipients,
                          byte[] message, TlsMode tlsMode, TlsSettings tlsSettings, String authUser,
                          String authPassword, AuthMechanism authMech, Stage quitAfter, Duration connectTimeout,
                          Duration replyTimeout, boolean showSecrets) {
    public SendOptions {
        recipients = List.copyOf(recipients);
    }

    public String server() {
        return HostAndPort.format(host, port);
    }
}
