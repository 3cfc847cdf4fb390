package com.ims.protocol.internal;

import java.util.List;

/**
 * Receipts a gateway collected over a short window, on {@code ims.receipts} keyed by gateway id: one record per flush
 * rather than one per delivery, so a fan-out to 10,000 users costs a handful of records.
 *
 * @param gatewayId reporting gateway
 * @param kind      DELIVERED (written to a socket) or ACKED (the client acknowledged over the socket, which says delivered
 *                  too: gateways drop the DELIVERED receipt of a delivery acked while they held it)
 * @param at        epoch ms of the flush
 * @param receipts  the (tenant, user, message) triples; the user is the authenticated one, never taken from a frame
 */
public record ReceiptBatch(String gatewayId, Kind kind, long at, List<Receipt> receipts) {

    public enum Kind { DELIVERED, ACKED }

    public ReceiptBatch {
        receipts = receipts == null ? List.of() : List.copyOf(receipts);
    }

    public record Receipt(String tenant, String userId, String messageId) {
    }
}
