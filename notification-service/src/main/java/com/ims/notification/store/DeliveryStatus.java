package com.ims.notification.store;

/** Life of one (message, recipient) delivery: PENDING → DELIVERED → ACKED, or EXPIRED when its ttl passed first. */
public enum DeliveryStatus {
    PENDING, DELIVERED, ACKED, EXPIRED
}
