package com.ims.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * One WebSocket frame: {@code {"type", "id", "timestamp", "payload"}} (contract section 4).
 *
 * @param type      frame type, never blank
 * @param id        present on a server message that must be acknowledged, or on a client {@code ack}; may be null
 * @param timestamp epoch milliseconds
 * @param payload   a JSON object, never null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope(String type, String id, long timestamp, JsonNode payload) {
}
