package com.ims.protocol;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encodes server frames and decodes client frames. Decoding never throws: any input yields {@link Decoded}.
 */
public final class FrameCodec {

    /** Longest {@code type} or {@code id} a client may send; longer ones are refused before they reach any map. */
    static final int MAX_TOKEN_LENGTH = 256;

    private FrameCodec() {
    }

    public static String encode(Envelope envelope) {
        return Json.toString(envelope);
    }

    /** A server frame with an empty payload, e.g. {@code ping}. */
    public static String encode(String type, long timestamp) {
        return encode(new Envelope(type, null, timestamp, emptyPayload()));
    }

    public static String encode(String type, String id, long timestamp, JsonNode payload) {
        return encode(new Envelope(type, id, timestamp, payload == null ? emptyPayload() : payload));
    }

    /** The {@code error} frame of contract section 4. */
    public static String error(String code, String message, long timestamp) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("code", code);
        payload.put("message", message);
        return encode(new Envelope(FrameTypes.ERROR, null, timestamp, payload));
    }

    public static ObjectNode emptyPayload() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static Decoded decode(String text) {
        if (text == null || text.isBlank()) {
            return new Decoded.Malformed("empty frame");
        }
        JsonNode root;
        try {
            root = Json.tree(text);
        } catch (JacksonException | IllegalArgumentException e) {
            return new Decoded.Malformed("frame is not valid JSON");
        }
        return fromTree(root);
    }

    static Decoded fromTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            return new Decoded.Malformed("frame must be a JSON object");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isString() || type.stringValue().isBlank()) {
            return new Decoded.Malformed("field 'type' must be a non-empty string");
        }
        if (type.stringValue().length() > MAX_TOKEN_LENGTH) {
            return new Decoded.Malformed("field 'type' is too long");
        }
        JsonNode id = root.get("id");
        if (id != null && !id.isNull() && (!id.isString() || id.stringValue().length() > MAX_TOKEN_LENGTH)) {
            return new Decoded.Malformed("field 'id' must be a string of at most " + MAX_TOKEN_LENGTH + " characters");
        }
        JsonNode timestamp = root.get("timestamp");
        if (timestamp != null && !timestamp.isNull() && !timestamp.isIntegralNumber()) {
            return new Decoded.Malformed("field 'timestamp' must be epoch milliseconds");
        }
        JsonNode payload = root.get("payload");
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            return new Decoded.Malformed("field 'payload' must be an object");
        }
        return new Decoded.Frame(new Envelope(
                type.stringValue(),
                id == null || id.isNull() ? null : id.stringValue(),
                timestamp == null || timestamp.isNull() ? 0L : timestamp.asLong(),
                payload == null || payload.isNull() ? emptyPayload() : payload));
    }
}
