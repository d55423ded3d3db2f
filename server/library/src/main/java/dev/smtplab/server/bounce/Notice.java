package dev.smtplab.server.bounce;

import dev.smtplab.server.scenario.SmtpReply;

import java.time.Duration;

/**
 * A notification a rule (or a magic address) asked to send about a recipient of the message being
 * accepted: a failure or a delay, with the reply that explains it, after a while.
 *
 * @param by who asked, for the transcript: "rule bounce-later", "the magic address"
 */
public record Notice(DeliveryReport.Action action, SmtpReply reply, Duration after, String by) {
}
