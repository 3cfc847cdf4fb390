package com.ims.notification.store;

import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * One delivery as its recipient sees it in the inbox: which message, where it stands, and when it changed.
 *
 * @param messageKey  {@link Keys#message}: joins the delivery to its stored frame
 * @param seq         the message's order within the tenant; the inbox pages by it
 * @param deliveredAt null until a gateway reported a socket write or an ack over a socket (then the ack's time); a
 *                    delivery acked over HTTP only never gets one
 * @param ackedAt     null until acknowledged (over a socket or {@code POST /api/v1/inbox/ack})
 * @param expiresAt   null when the message has no ttl
 */
public record UserDelivery(String messageKey, String messageId, long seq, DeliveryStatus status, Instant deliveredAt,
                           Instant ackedAt, Instant expiresAt) {

    static UserDelivery fromDocument(Document d) {
        return new UserDelivery(d.getString("messageKey"), d.getString("messageId"), ((Number) d.get("seq")).longValue(),
                DeliveryStatus.valueOf(d.getString("status")), instant(d.getDate("deliveredAt")),
                instant(d.getDate("ackedAt")), instant(d.getDate("expiresAt")));
    }

    /** The stored status, except that an open delivery past its expiry is EXPIRED even before the sweeper marked it. */
    public DeliveryStatus statusAt(Instant now) {
        boolean open = status == DeliveryStatus.PENDING || status == DeliveryStatus.DELIVERED;
        return open && expiresAt != null && !expiresAt.isAfter(now) ? DeliveryStatus.EXPIRED : status;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
