package com.ims.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The producer record of contract section 5, validated: every field is set to its effective value.
 *
 * @param targetType {@code user}, {@code role} or {@code all}
 * @param target     user id or role name; null for {@code all}
 * @param payload    delivered untouched as the frame's payload
 * @param type       frame type, {@code notification} by default
 * @param id         idempotency key within the tenant; generated when the producer gave none
 * @param tenant     {@code default} when absent
 * @param persistent stored, acknowledged and redelivered when true
 * @param ttlSeconds null for no expiry
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NotificationRequest(
        TargetType targetType,
        String target,
        JsonNode payload,
        String type,
        String id,
        String tenant,
        boolean persistent,
        Long ttlSeconds) {

    public static final String DEFAULT_TENANT = "default";

    /** The wire form, as a producer would send it: lower-case {@code targetType}. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("targetType", targetType.wireName());
        if (target != null) {
            node.put("target", target);
        }
        node.set("payload", payload);
        node.put("type", type);
        node.put("id", id);
        node.put("tenant", tenant);
        node.put("persistent", persistent);
        if (ttlSeconds != null) {
            node.put("ttlSeconds", ttlSeconds);
        }
        return node;
    }

    public NotificationRequest withTenant(String newTenant) {
        return new NotificationRequest(targetType, target, payload, type, id, newTenant, persistent, ttlSeconds);
    }

    public NotificationRequest withId(String newId) {
        return new NotificationRequest(targetType, target, payload, type, newId, tenant, persistent, ttlSeconds);
    }
}
