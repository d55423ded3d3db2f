package dev.smtplab.server.scenario;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a rule can look at when the server reaches a stage.
 *
 * @param stage         where the dialogue is
 * @param verb          the command verb ("RCPT"), or "" at connect and message
 * @param argument      the command line after the verb, or ""
 * @param sender        the MAIL FROM address of the transaction in progress, or null
 * @param recipient     at RCPT, the address being given; otherwise null
 * @param helo          the HELO/EHLO name in force, or null
 * @param clientAddress the client's IP address
 * @param authUser      the authenticated user, or null
 * @param messageSize   at MESSAGE, the size in octets; otherwise -1
 * @param headers       at MESSAGE, the values of a header by name; otherwise none
 * @param serverHostName the server's own host name
 * @param sessionId      the session's id, as in its recording
 * @param earlierRecipients the RCPT TO addresses already given in this transaction, accepted or not
 */
public record StageContext(SmtpStage stage, String verb, String argument, String sender, String recipient,
                           String helo, InetAddress clientAddress, String authUser, long messageSize,
                           Function<String, List<String>> headers, String serverHostName, String sessionId,
                           List<String> earlierRecipients) {
    public StageContext {
        earlierRecipients = earlierRecipients == null ? List.of() : List.copyOf(earlierRecipients);
    }


    public Optional<String> senderAddress() {
        return Optional.ofNullable(sender);
    }

    public Optional<String> recipientAddress() {
        return Optional.ofNullable(recipient);
    }

    public List<String> header(String name) {
        return headers == null ? List.of() : headers.apply(name);
    }
}
