package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.Effect;
import dev.smtplab.server.scenario.SmtpReply;
import dev.smtplab.server.scenario.SmtpStage;
import org.subethamail.smtp.server.Session;

import java.io.IOException;

/**
 * Carries out the effect a rule, the responder or a magic address chose, the same way at every
 * stage, and says how the session goes on. The hooks differ only in how they hand a reply to
 * SubEthaSMTP (a refused greeting, a sent response, a rejected message), so that is all they do.
 */
final class EffectApplier {
    private EffectApplier() {
    }

    /** What the hook does next. */
    sealed interface Next {
    }

    /** Handle the event as normal. */
    record Proceed() implements Next {
    }

    /** Send this reply instead of the normal one; then close the connection if {@code close}. */
    record Answer(SmtpReply reply, boolean close) implements Next {
    }

    /** The connection has been closed (reset, silence, a failed handshake): nothing more to send. */
    record Closed() implements Next {
    }

    /** Answer as if the message had been delivered, but keep nothing. */
    record Discard() implements Next {
    }

    /**
     * @param verb    the command's verb, or null at the connect and message stages
     * @param address the MAIL or RCPT address a reply may name with {address}, or null
     */
    static Next apply(RuleEngine.Fired fired, SmtpStage stage, String verb, String address, Session session,
                      ConnectionRecorder recorder) throws IOException {
        Effect effect = fired.effect();
        String rule = fired.ruleId().equals(RuleEngine.RESPONDER) ? "the responder" : "rule " + fired.ruleId();
        String where = switch (stage) {
            case CONNECT -> "before the greeting";
            case MESSAGE -> "after the message";
            default -> "at " + verb;
        };
        if (effect instanceof Effect.Reply reply) {
            return new Answer(reply.reply().withAddress(address), false);
        } else if (effect instanceof Effect.ReplyAndClose reply) {
            SmtpReply sent = reply.reply().withAddress(address);
            recorder.endedBy(rule + " replied " + sent.code() + " " + where + " and closed the connection");
            return new Answer(sent, true);
        } else if (effect instanceof Effect.Reset) {
            recorder.endedBy(rule + " reset the connection " + where);
            FaultActions.reset(session);
            return new Closed();
        } else if (effect instanceof Effect.Silence) {
            recorder.endedBy(rule + " stopped answering " + where);
            FaultActions.silence(session);
            return new Closed();
        } else if (effect instanceof Effect.FailTlsHandshake) {
            recorder.endedBy(rule + " failed the TLS handshake");
            FaultActions.failTlsHandshake(session);
            return new Closed();
        } else if (effect instanceof Effect.DropMidMessage drop) {
            recorder.dropMessageAfter(rule, drop.afterOctets());
            return new Proceed();
        } else if (effect instanceof Effect.Discard) {
            return stage == SmtpStage.MESSAGE ? new Discard() : new Proceed();
        }
        // Delay and Throttle carry on: the rule engine has already done them.
        return new Proceed();
    }
}
