package dev.smtplab.testcontainers;

import java.util.List;
import java.util.Map;

/**
 * A message the container received, as its API lists it.
 *
 * @param id         the message's id in the API ({@code /api/v1/messages/{id}})
 * @param sessionId  the SMTP session that delivered it
 * @param receivedAt when it was stored, ISO-8601
 * @param from       the envelope sender (MAIL FROM)
 * @param to         the accepted envelope recipients (RCPT TO)
 * @param subject    the decoded Subject header, or null
 * @param size       the content's size in bytes
 */
public record ReceivedMessage(String id, String sessionId, String receivedAt, String from, List<String> to,
                              String subject, long size) {

    @SuppressWarnings("unchecked")
    static ReceivedMessage of(Map<String, Object> json) {
        return new ReceivedMessage(String.valueOf(json.get("id")), String.valueOf(json.get("sessionId")),
                (String) json.get("receivedAt"), (String) json.get("from"),
                List.copyOf((List<String>) json.getOrDefault("to", List.of())), (String) json.get("subject"),
                ((Number) json.getOrDefault("size", 0L)).longValue());
    }
}
