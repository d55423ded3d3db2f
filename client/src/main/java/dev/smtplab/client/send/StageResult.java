package dev.smtplab.client.send;

import dev.smtplab.client.protocol.Reply;

/**
 * One step of a send as it happened, for --json.
 *
 * @param stage    which step
 * @param command  what the client sent (secrets masked), or null (connect, banner)
 * @param code     the reply code, or 0 when there was no reply
 * @param enhancedCode the RFC 3463 code in the reply, or null
 * @param text     the reply text, or a description for steps without a reply
 * @param temporary a 4xx reply
 * @param permanent a 5xx reply
 * @param millis   how long the step took
 */
public record StageResult(String stage, String command, int code, String enhancedCode, String text,
                          boolean temporary, boolean permanent, long millis) {

    static StageResult of(Stage stage, String command, Reply reply, long millis) {
        return new StageResult(stage.key(), command, reply.code(), reply.enhancedCode().orElse(null), reply.text(),
                reply.isTemporaryFailure(), reply.isPermanentFailure(), millis);
    }

    static StageResult withoutReply(Stage stage, String text, long millis) {
        return new StageResult(stage.key(), null, 0, null, text, false, false, millis);
    }
}
