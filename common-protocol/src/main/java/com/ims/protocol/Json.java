package com.ims.protocol;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the protocol: records in, records out, unknown fields ignored (contract section 4).
 *
 * @implNote Jackson 3 is used because Spring Boot 4 ships it; its exceptions are unchecked, which keeps call sites plain.
 */
public final class Json {

    /** Thread-safe once built; shared by every codec in the process. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private Json() {
    }

    public static byte[] toBytes(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    public static String toString(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /** Reads a record; throws {@link JacksonException} (unchecked) on bad input. */
    public static <T> T fromBytes(byte[] bytes, Class<T> type) {
        return MAPPER.readValue(bytes, type);
    }

    public static JsonNode tree(byte[] bytes) {
        return MAPPER.readTree(bytes);
    }

    public static JsonNode tree(String text) {
        return MAPPER.readTree(text);
    }
}
