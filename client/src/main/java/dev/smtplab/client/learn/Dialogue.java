package dev.smtplab.client.learn;

import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.SmtpVerb;


/**
 * Where the learner's dialogue stands, from the replies seen: what the lesson's checks of a typed
 * line need to know (has the server been greeted with EHLO? is there an envelope?).
 */
final class Dialogue {
    private boolean helloed;
    private boolean mailAccepted;
    private int recipientsAccepted;
    private boolean tls;

    /** A reply to the line (null: the greeting). */
    synchronized void replied(String line, Reply reply) {
        if (line == null) {
            return;
        }
        String verb = SmtpVerb.of(line);
        boolean ok = reply.code() / 100 == 2;
        switch (verb) {
            case "EHLO", "HELO" -> {
                if (ok) {
                    helloed = true;
                    forgetEnvelope();
                }
            }
            case "MAIL" -> mailAccepted = ok;
            case "RCPT" -> recipientsAccepted += ok ? 1 : 0;
            case "RSET", "." -> forgetEnvelope();
            case "STARTTLS" -> {
                if (reply.code() == 220) {
                    // RFC 3207: the session starts over on the encrypted connection
                    tls = true;
                    helloed = false;
                }
            }
            default -> {
            }
        }
    }

    /** After RSET, the end of a message, or a new greeting: no sender, no recipients. */
    private void forgetEnvelope() {
        mailAccepted = false;
        recipientsAccepted = 0;
    }

    synchronized boolean helloed() {
        return helloed;
    }

    synchronized boolean mailAccepted() {
        return mailAccepted;
    }

    synchronized int recipientsAccepted() {
        return recipientsAccepted;
    }

    synchronized boolean tls() {
        return tls;
    }

}
