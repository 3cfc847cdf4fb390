package com.ims.notification.store;

import com.ims.protocol.TargetType;
import java.time.Instant;
import org.bson.Document;

/**
 * One persistent message as stored in {@code messages}.
 *
 * @param key        {@link Keys#message}: the producer id is the idempotency key within the tenant
 * @param seq        offset of the ingested record: monotone per tenant, the order of replay
 * @param frame      the encoded frame, sent as is on every (re)delivery
 * @param expiresAt  null when the message has no ttl
 */
public record StoredMessage(String key, String tenant, String messageId, TargetType targetType, String target,
                            String type, String frame, Instant createdAt, Instant expiresAt, long seq) {

    public Document toDocument() {
        return new Document("_id", key)
                .append("tenant", tenant)
                .append("messageId", messageId)
                .append("targetType", targetType.wireName())
                .append("target", target)
                .append("type", type)
                .append("persistent", true)
                .append("frame", frame)
                .append("createdAt", java.util.Date.from(createdAt))
                .append("expiresAt", expiresAt == null ? null : java.util.Date.from(expiresAt))
                .append("seq", seq);
    }

    public static StoredMessage fromDocument(Document d) {
        java.util.Date expires = d.getDate("expiresAt");
        return new StoredMessage(d.getString("_id"), d.getString("tenant"), d.getString("messageId"),
                TargetType.fromWire(d.getString("targetType")), d.getString("target"), d.getString("type"),
                d.getString("frame"), d.getDate("createdAt").toInstant(), expires == null ? null : expires.toInstant(),
                ((Number) d.get("seq")).longValue());
    }

    public long expiresAtMillis() {
        return expiresAt == null ? 0L : expiresAt.toEpochMilli();
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
