package com.ims.notification.inbox;

import com.ims.protocol.Json;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/inbox/ack}: {@code {"ids": [...]}}, validated.
 *
 * @param ids the message ids to acknowledge, repeats removed
 */
public record AckRequest(Set<String> ids) {

    /** Bounds one request's bulk update; a back office marking more as read sends several. */
    public static final int MAX_IDS = 500;
    /**
     * Message ids are producer ids (the producer record allows 1-128 of these characters, never '/' or '|'), or ids
     * derived for Kafka records that brought none, which start with '~' (IngestProcessor#derivedId).
     */
    private static final int MAX_ID_LENGTH = 128;
    private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9_.:@\\-]{1," + MAX_ID_LENGTH + "}|~[A-Za-z0-9_.:@\\-]{1,"
            + (MAX_ID_LENGTH - 1) + "}");

    public static AckRequest parse(byte[] body) {
        JsonNode root;
        try {
            root = Json.tree(body);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new InvalidInboxRequest("body", "is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInboxRequest("body", "must be a JSON object {\"ids\": [...]}");
        }
        JsonNode ids = root.get("ids");
        if (ids == null || !ids.isArray()) {
            throw new InvalidInboxRequest("ids", "is required: an array of message ids");
        }
        if (ids.size() > MAX_IDS) {
            throw new InvalidInboxRequest("ids", "must hold at most " + MAX_IDS + " ids");
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            if (!id.isString() || !MESSAGE_ID.matcher(id.stringValue()).matches()) {
                throw new InvalidInboxRequest("ids", "must hold message ids: 1-" + MAX_ID_LENGTH
                        + " characters of A-Z a-z 0-9 _ . : @ - (entry " + i + " is not)");
            }
            out.add(id.stringValue());
        }
        return new AckRequest(out);
    }
}
