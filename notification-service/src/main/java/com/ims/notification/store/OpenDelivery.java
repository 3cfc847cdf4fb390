package com.ims.notification.store;

import java.time.Instant;
import org.bson.Document;

/** A delivery not yet acknowledged nor expired, as read for replay and redelivery. */
public record OpenDelivery(String key, String messageKey, String tenant, String userId, String messageId, long seq,
                           DeliveryStatus status, int attempts, Instant expiresAt) {

    static OpenDelivery fromDocument(Document d) {
        java.util.Date expires = d.getDate("expiresAt");
        Number attempts = (Number) d.get("attempts");
        return new OpenDelivery(d.getString("_id"), d.getString("messageKey"), d.getString("tenant"),
                d.getString("userId"), d.getString("messageId"), ((Number) d.get("seq")).longValue(),
                DeliveryStatus.valueOf(d.getString("status")), attempts == null ? 0 : attempts.intValue(),
                expires == null ? null : expires.toInstant());
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
