package dev.smtplab.client.learn;

import dev.smtplab.client.dns.MxReport;
import dev.smtplab.client.protocol.Reply;

/** What one command at a network lesson's prompt found out: the outcome a step is judged by. */
sealed interface Probe {
    /** How a connection attempt ended. */
    enum Outcome {
        /** Connected, and the server greeted. */
        GREETED,
        /** Connected, but no greeting came (a TLS-only port spoken to in plain text, say). */
        NO_GREETING,
        /** Nothing listens: refused at once. */
        REFUSED,
        /** No answer at all: a dropped connection attempt, as behind a firewall. */
        TIMED_OUT,
        /** The learner gave up waiting (Ctrl-C) while nothing answered. */
        CANCELLED,
        /** The name is not one of the lesson's hosts. */
        UNKNOWN_HOST,
        /** Connected, but the TLS handshake failed. */
        TLS_FAILED
    }

    /**
     * A telnet, nc or openssl s_client.
     *
     * @param port     the port as typed (25, 465, 587), not the loopback port that stands in for it
     * @param tls      whether TLS was asked for (implicit, or with -starttls smtp)
     * @param greeting the 220, when one came
     * @param ehlo     the reply to the EHLO the lesson sent for the learner, when it got that far
     */
    record Connect(String host, int port, boolean tls, Outcome outcome, Reply greeting, Reply ehlo) implements Probe {
        boolean reached(String host, int port, Outcome outcome) {
            return this.host.equals(host) && this.port == port && this.outcome == outcome;
        }

        boolean offers(String capability) {
            return ehlo != null && ehlo.lines().stream().skip(1)
                    .anyMatch(line -> line.toUpperCase(java.util.Locale.ROOT).startsWith(capability));
        }
    }

    /** An MX lookup (nslookup -type=mx, dig mx, host -t mx, smtplab mx). */
    record Lookup(String domain, MxReport report) implements Probe {
    }
}
