package dev.smtplab.client.learn;

import dev.smtplab.client.protocol.Reply;

import java.util.Locale;

/**
 * Where the learner's dialogue stands, from the replies seen: what the lesson's checks of a typed
 * line need to know (has the server been greeted with EHLO? is there an envelope?).
 */
final class Dialogue {
    private boolean helloed;
    private boolean extended;
    private boolean mailAccepted;
    private int recipientsAccepted;
    private boolean tls;
    private boolean authenticated;
    private String lastEhloText = "";

    /** A reply to the line (null: the greeting). */
    synchronized void replied(String line, Reply reply) {
        if (line == null) {
            return;
        }
        String verb = verb(line);
        boolean ok = reply.code() / 100 == 2;
        switch (verb) {
            case "EHLO", "HELO" -> {
                if (ok) {
                    helloed = true;
                    extended = verb.equals("EHLO");
                    mailAccepted = false;
                    recipientsAccepted = 0;
                    if (extended) {
                        lastEhloText = reply.wireText();
                    }
                }
            }
            case "MAIL" -> mailAccepted = ok;
            case "RCPT" -> recipientsAccepted += ok ? 1 : 0;
            case "RSET" -> {
                mailAccepted = false;
                recipientsAccepted = 0;
            }
            case "STARTTLS" -> {
                if (reply.code() == 220) {
                    tls = true;
                    helloed = false;
                    extended = false;
                    authenticated = false;
                }
            }
            case "." -> {
                mailAccepted = false;
                recipientsAccepted = 0;
            }
            default -> {
                // AUTH, or the last of AUTH LOGIN's base64 lines
                if (reply.code() == 235) {
                    authenticated = true;
                }
            }
        }
    }

    synchronized boolean helloed() {
        return helloed;
    }

    synchronized boolean extended() {
        return extended;
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

    synchronized boolean authenticated() {
        return authenticated;
    }

    /** The capability lines of the last EHLO reply, as sent. */
    synchronized String lastEhloText() {
        return lastEhloText;
    }

    static String verb(String line) {
        String trimmed = line.trim();
        int space = trimmed.indexOf(' ');
        return (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase(Locale.ROOT);
    }
}
