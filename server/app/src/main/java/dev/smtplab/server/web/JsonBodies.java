package dev.smtplab.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON object a request sends, or a 400 that says what is wrong with it. */
final class JsonBodies {
    private JsonBodies() {
    }

    static JsonNode object(ObjectMapper json, String body) {
        try {
            JsonNode parsed = json.readTree(body);
            if (parsed == null || !parsed.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return parsed;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
