package com.ims.gateway.receipts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.ims.protocol.UserKey;
import com.ims.protocol.internal.ReceiptBatch;
import com.ims.protocol.internal.ReceiptBatch.Kind;
import com.ims.protocol.internal.ReceiptBatch.Receipt;

/**
 * Collects DELIVERED and ACKED receipts from writer and socket threads and hands them out as {@link ReceiptBatch}es:
 * one per kind per flush (split at {@code maxBatch}), with duplicates of the window removed, so a user with three tabs
 * costs one DELIVERED receipt, and a fan-out to thousands costs a few records.
 *
 * @implNote Bounded: past {@link #MAX_PENDING} pending receipts new ones are dropped and counted. Nothing is lost for good,
 *     since notification-service redelivers what was not receipted; memory, however, would be.
 */
public final class ReceiptCollector {

    private static final Logger log = LoggerFactory.getLogger(ReceiptCollector.class);
    static final int MAX_PENDING = 200_000;

    private final String gatewayId;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Receipt> delivered = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Receipt> acked = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Runnable onFull;

    /** @param onFull called (cheaply, from the adding thread) when a batch is full, to flush before the timer does */
    public ReceiptCollector(String gatewayId, int maxBatch, Runnable onFull) {
        this.gatewayId = gatewayId;
        this.maxBatch = maxBatch;
        this.onFull = onFull;
    }

    public void delivered(UserKey user, String messageId) {
        add(delivered, new Receipt(user.tenant(), user.userId(), messageId));
    }

    public void acked(UserKey user, String messageId) {
        add(acked, new Receipt(user.tenant(), user.userId(), messageId));
    }

    private void add(ConcurrentLinkedQueue<Receipt> queue, Receipt receipt) {
        int now = pending.incrementAndGet();
        if (now > MAX_PENDING) {
            pending.decrementAndGet();
            log.warn("receipt buffer full, dropping receipt gatewayId={} kind={}", gatewayId,
                    queue == delivered ? Kind.DELIVERED : Kind.ACKED);
            return;
        }
        queue.add(receipt);
        if (now % maxBatch == 0) {
            onFull.run();
        }
    }

    /** Everything pending, as batches; called by one flusher at a time. */
    public List<ReceiptBatch> drain(long now) {
        List<ReceiptBatch> out = new ArrayList<>(2);
        drain(delivered, Kind.DELIVERED, now, out);
        drain(acked, Kind.ACKED, now, out);
        return out;
    }

    private void drain(ConcurrentLinkedQueue<Receipt> queue, Kind kind, long now, List<ReceiptBatch> out) {
        Set<Receipt> unique = new LinkedHashSet<>();
        Receipt r;
        while ((r = queue.poll()) != null) {
            pending.decrementAndGet();
            unique.add(r);
        }
        if (unique.isEmpty()) {
            return;
        }
        List<Receipt> all = new ArrayList<>(unique);
        for (int from = 0; from < all.size(); from += maxBatch) {
            out.add(new ReceiptBatch(gatewayId, kind, now, all.subList(from, Math.min(all.size(), from + maxBatch))));
        }
    }
}
