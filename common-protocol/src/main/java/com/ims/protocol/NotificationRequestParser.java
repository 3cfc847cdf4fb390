package com.ims.protocol;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Parses and validates the producer record of contract section 5, from Kafka bytes or a REST body. Never throws on bad
 * input: every failure names the field at fault.
 */
public final class NotificationRequestParser {

    /** Largest encoded payload; a frame must stay well under the 1 MiB default Kafka record size once wrapped. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    /** Longest retention a producer may ask for: a year. */
    public static final long MAX_TTL_SECONDS = 365L * 24 * 3600;

    private static final int MAX_ID_LENGTH = 128;
    private static final int MAX_TARGET_LENGTH = 256;
    private static final int MAX_TENANT_LENGTH = 64;
    private static final int MAX_TYPE_LENGTH = 64;
    /** Ids, tenants and types end up in keys, topic records and logs: printable ASCII without separators or spaces. */
    private static final Pattern SAFE_TOKEN = Pattern.compile("[A-Za-z0-9_.:@\\-]+");
    private static final java.util.Set<String> KNOWN_FIELDS = java.util.Set.of(
            "targetType", "target", "payload", "type", "id", "tenant", "persistent", "ttlSeconds");

    private final Supplier<String> idGenerator;

    public NotificationRequestParser() {
        this(Ids::newId);
    }

    public NotificationRequestParser(Supplier<String> idGenerator) {
        this.idGenerator = idGenerator;
    }

    public RequestValidation parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return invalid("body", "is empty");
        }
        JsonNode root;
        try {
            root = Json.tree(bytes);
        } catch (JacksonException | IllegalArgumentException e) {
            return invalid("body", "is not valid JSON");
        }
        return validate(root);
    }

    public RequestValidation parse(String text) {
        return parse(text == null ? null : text.getBytes(StandardCharsets.UTF_8));
    }

    public RequestValidation validate(JsonNode root) {
        if (root == null || !root.isObject()) {
            return invalid("body", "must be a JSON object");
        }
        JsonNode targetTypeNode = root.get("targetType");
        if (targetTypeNode == null || targetTypeNode.isNull()) {
            return invalid("targetType", "is required (user, role or all)");
        }
        TargetType targetType = targetTypeNode.isString() ? TargetType.fromWire(targetTypeNode.stringValue()) : null;
        if (targetType == null) {
            return invalid("targetType", "must be one of user, role, all");
        }

        String target = null;
        if (targetType != TargetType.ALL) {
            JsonNode t = root.get("target");
            if (t == null || t.isNull()) {
                return invalid("target", "is required for targetType " + targetType.wireName());
            }
            if (!t.isString() || t.stringValue().isBlank()) {
                return invalid("target", "must be a non-empty string");
            }
            target = t.stringValue();
            if (target.length() > MAX_TARGET_LENGTH || hasControlCharacter(target)) {
                return invalid("target", "must be at most " + MAX_TARGET_LENGTH + " characters without control characters");
            }
        }

        JsonNode payload = root.get("payload");
        if (payload == null || payload.isNull()) {
            return invalid("payload", "is required");
        }
        if (!payload.isObject()) {
            return invalid("payload", "must be a JSON object");
        }
        if (Json.toBytes(payload).length > MAX_PAYLOAD_BYTES) {
            return invalid("payload", "must be at most " + MAX_PAYLOAD_BYTES + " bytes");
        }

        String type = FrameTypes.NOTIFICATION;
        JsonNode typeNode = root.get("type");
        if (typeNode != null && !typeNode.isNull()) {
            if (!isSafeToken(typeNode, MAX_TYPE_LENGTH)) {
                return invalid("type", "must be 1-" + MAX_TYPE_LENGTH + " characters of A-Z a-z 0-9 _ . : @ -");
            }
            type = typeNode.stringValue();
            if (FrameTypes.RESERVED.contains(type)) {
                return invalid("type", "'" + type + "' is reserved for the protocol");
            }
        }

        String id = null;
        JsonNode idNode = root.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!isSafeToken(idNode, MAX_ID_LENGTH)) {
                return invalid("id", "must be 1-" + MAX_ID_LENGTH + " characters of A-Z a-z 0-9 _ . : @ -");
            }
            id = idNode.stringValue();
        }

        String tenant = NotificationRequest.DEFAULT_TENANT;
        JsonNode tenantNode = root.get("tenant");
        if (tenantNode != null && !tenantNode.isNull()) {
            if (!isSafeToken(tenantNode, MAX_TENANT_LENGTH)) {
                return invalid("tenant", "must be 1-" + MAX_TENANT_LENGTH + " characters of A-Z a-z 0-9 _ . : @ -");
            }
            tenant = tenantNode.stringValue();
        }

        boolean persistent = true;
        JsonNode persistentNode = root.get("persistent");
        if (persistentNode != null && !persistentNode.isNull()) {
            if (!persistentNode.isBoolean()) {
                return invalid("persistent", "must be true or false");
            }
            persistent = persistentNode.booleanValue();
        }

        Long ttlSeconds = null;
        JsonNode ttlNode = root.get("ttlSeconds");
        if (ttlNode != null && !ttlNode.isNull()) {
            if (!ttlNode.isIntegralNumber() || !ttlNode.canConvertToLong()
                    || ttlNode.longValue() <= 0 || ttlNode.longValue() > MAX_TTL_SECONDS) {
                return invalid("ttlSeconds", "must be a whole number of seconds from 1 to " + MAX_TTL_SECONDS);
            }
            ttlSeconds = ttlNode.longValue();
        }

        return new RequestValidation.Valid(new NotificationRequest(
                targetType, target, payload, type, id == null ? idGenerator.get() : id, tenant, persistent, ttlSeconds));
    }

    /** Field names the record defines; anything else is ignored, as the contract allows extra fields. */
    public static boolean isKnownField(String name) {
        return KNOWN_FIELDS.contains(name);
    }

    /** True when {@code value} may serve as a tenant or user id in keys (same rule as the producer record's tenant). */
    public static boolean isSafeIdentifier(String value, int maxLength) {
        return value != null && !value.isEmpty() && value.length() <= maxLength && !hasControlCharacter(value);
    }

    private static boolean isSafeToken(JsonNode node, int maxLength) {
        if (!node.isString()) {
            return false;
        }
        String value = node.stringValue();
        return !value.isEmpty() && value.length() <= maxLength && SAFE_TOKEN.matcher(value).matches();
    }

    static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static RequestValidation invalid(String field, String message) {
        return new RequestValidation.Invalid(field, message);
    }
}
