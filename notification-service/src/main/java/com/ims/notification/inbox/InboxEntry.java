package com.ims.notification.inbox;

import tools.jackson.databind.JsonNode;

/**
 * One notification in a user's inbox, as the API returns it.
 *
 * @param id          the message id (what {@code POST /api/v1/inbox/ack} and socket acks take)
 * @param type        the frame type the producer chose
 * @param createdAt   when the platform accepted the message (ISO-8601)
 * @param status      PENDING, DELIVERED, ACKED or EXPIRED, as of this read
 * @param payload     the producer's payload, as delivered on the socket
 * @param deliveredAt when a gateway reported it written to a socket, or acked over one (then the ack's time); null if neither
 * @param ackedAt     when it was acknowledged; null if not
 */
public record InboxEntry(String id, String type, String createdAt, String status, JsonNode payload, String deliveredAt,
                         String ackedAt) {
}
