package dev.smtplab.server.scenario;

import java.util.Optional;

/**
 * Test code that decides a reply, for what rules cannot say: consulted at every stage before the
 * scenario's rules, like MockWebServer's Dispatcher. Return an effect to apply it, or empty to let
 * the rules and the normal handling answer.
 *
 * <pre>{@code
 * // the third recipient of every message from the tenant's domain is refused
 * Responder thirdRecipient = context -> context.stage() == SmtpStage.RCPT
 *         && context.senderAddress().orElse("").endsWith("@tenant.test")
 *         && context.earlierRecipients().size() == 2
 *         ? Optional.of(new Effect.Reply(SmtpReply.parse("452 4.5.3 Too many recipients")))
 *         : Optional.empty();
 * }</pre>
 *
 * It runs on the session's thread; it may block (that session waits) and may keep state of its
 * own, which it must guard, since sessions run in parallel. An exception it throws is answered
 * with {@code 451 4.3.0} and recorded in the session's transcript, so a test sees its own bug.
 */
@FunctionalInterface
public interface Responder {
    /** The one that never answers: rules and normal handling decide everything. */
    Responder NONE = context -> Optional.empty();

    Optional<Effect> respond(StageContext context) throws Exception;
}
