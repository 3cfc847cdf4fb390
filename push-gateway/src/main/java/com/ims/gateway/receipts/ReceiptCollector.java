package com.ims.gateway.receipts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.ims.protocol.UserKey;
import com.ims.protocol.internal.ReceiptBatch;
import com.ims.protocol.internal.ReceiptBatch.Kind;
import com.ims.protocol.internal.ReceiptBatch.Receipt;

/**
 * Collects DELIVERED and ACKED receipts from writer and socket threads and hands them out as {@link ReceiptBatch}es:
 * one per kind per flush (split at {@code maxBatch}), with duplicates removed, so a user with three tabs costs one
 * DELIVERED receipt, and a fan-out to thousands costs a few records.
 *
 * @implNote ACKED receipts go out at the next flush: they stop redelivery. A DELIVERED receipt waits for at least one
 *     rotation ({@code holdMillis}, about a flush interval) and is dropped when the ACKED receipt of the same delivery
 *     comes meanwhile: notification-service reads an ACKED receipt as delivered and acked, and DELIVERED matters only for
 *     a delivery nobody acknowledged. Clients ack within tens of milliseconds (the JS client batches acks for 20 ms), so
 *     a fan-out costs about one receipt per recipient instead of two, for the broker, notification-service and the
 *     store alike. Every drain takes both queues, so a flush that comes early (a full batch) cancels too. A DELIVERED
 *     receipt may still arrive after the ACKED one of the same delivery (written and acked around a rotation), which
 *     notification-service ignores (DELIVERED only from PENDING).
 * @implNote Bounded: a receipt counts against {@link #MAX_PENDING} from when it is added until it is sent or cancelled.
 *     DELIVERED receipts are refused from half the bound on, so that ACKED ones, whose loss costs a redelivery, keep
 *     room. Nothing is lost for good, since notification-service redelivers what was not receipted; memory, however,
 *     would be. Refused receipts are counted ({@link #dropped}).
 */
public final class ReceiptCollector {

    private static final Logger log = LoggerFactory.getLogger(ReceiptCollector.class);
    static final int MAX_PENDING = 200_000;

    private final String gatewayId;
    private final int maxBatch;
    private final long holdMillis;
    private final int maxPending;
    private final ConcurrentLinkedQueue<Receipt> delivered = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Receipt> acked = new ConcurrentLinkedQueue<>();
    /** Receipts added and neither sent nor cancelled yet: queued or held. */
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final Runnable onFull;
    /** DELIVERED receipts taken since the last rotation; guarded by this. */
    private Set<Receipt> young = new LinkedHashSet<>();
    /** DELIVERED receipts taken before the last rotation, sent at the next one unless acked; guarded by this. */
    private Set<Receipt> old = new LinkedHashSet<>();
    private long rotatedAt;

    /**
     * @param holdMillis least time between two rotations: how long a DELIVERED receipt waits for its ACKED one at least
     *                   (one to two rotations in all)
     * @param onFull     called (cheaply, from the adding thread) every {@code maxBatch} receipts, to flush before the
     *                   timer does
     */
    public ReceiptCollector(String gatewayId, int maxBatch, long holdMillis, Runnable onFull) {
        this(gatewayId, maxBatch, holdMillis, MAX_PENDING, onFull);
    }

    ReceiptCollector(String gatewayId, int maxBatch, long holdMillis, int maxPending, Runnable onFull) {
        this.gatewayId = gatewayId;
        this.maxBatch = maxBatch;
        this.holdMillis = holdMillis;
        this.maxPending = maxPending;
        this.onFull = onFull;
    }

    public void delivered(UserKey user, String messageId) {
        add(delivered, new Receipt(user.tenant(), user.userId(), messageId), Kind.DELIVERED, maxPending / 2);
    }

    public void acked(UserKey user, String messageId) {
        add(acked, new Receipt(user.tenant(), user.userId(), messageId), Kind.ACKED, maxPending);
    }

    /** Receipts refused because too many were pending, since start. */
    public long dropped() {
        return dropped.get();
    }

    private void add(ConcurrentLinkedQueue<Receipt> queue, Receipt receipt, Kind kind, int limit) {
        int now = pending.incrementAndGet();
        if (now > limit) {
            pending.decrementAndGet();
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 10_000 == 0) {
                log.warn("receipt buffer full, receipts refused gatewayId={} kind={} refused={}", gatewayId, kind, n);
            }
            return;
        }
        queue.add(receipt);
        if (now % maxBatch == 0) {
            onFull.run();
        }
    }

    /**
     * The ACKED receipts pending, and, when a rotation is due ({@code holdMillis} since the last, or the clock went
     * back), the DELIVERED receipts held since before the last rotation that were not acked meanwhile, as batches.
     */
    public List<ReceiptBatch> drain(long now) {
        return drain(now, false);
    }

    /** Every receipt pending or held, as batches (the last flush before the gateway stops). */
    public List<ReceiptBatch> drainAll(long now) {
        return drain(now, true);
    }

    private synchronized List<ReceiptBatch> drain(long now, boolean everything) {
        Set<Receipt> ackedNow = new LinkedHashSet<>();
        settle(take(acked, ackedNow));
        settle(take(delivered, young));
        settle(removeAll(young, ackedNow) + removeAll(old, ackedNow));
        List<ReceiptBatch> out = new ArrayList<>(2);
        if (everything || now - rotatedAt >= holdMillis || now < rotatedAt) {
            rotatedAt = now;
            Set<Receipt> due = old;
            settle(removeAll(young, due));
            if (everything) {
                due.addAll(young);
                young = new LinkedHashSet<>();
            }
            old = young;
            young = new LinkedHashSet<>();
            settle(due.size());
            batches(due, Kind.DELIVERED, now, out);
        }
        settle(ackedNow.size());
        batches(ackedNow, Kind.ACKED, now, out);
        return out;
    }

    /** Moves the queue's receipts into {@code into}; returns how many were already there (duplicates). */
    private static int take(ConcurrentLinkedQueue<Receipt> queue, Set<Receipt> into) {
        int duplicates = 0;
        Receipt r;
        while ((r = queue.poll()) != null) {
            if (!into.add(r)) {
                duplicates++;
            }
        }
        return duplicates;
    }

    private static int removeAll(Set<Receipt> from, Collection<Receipt> these) {
        int before = from.size();
        from.removeAll(these);
        return before - from.size();
    }

    /** Receipts that left (sent, cancelled or merged with a duplicate) stop counting against the bound. */
    private void settle(int left) {
        if (left > 0) {
            pending.addAndGet(-left);
        }
    }

    private void batches(Set<Receipt> receipts, Kind kind, long now, List<ReceiptBatch> out) {
        if (receipts.isEmpty()) {
            return;
        }
        List<Receipt> all = new ArrayList<>(receipts);
        for (int from = 0; from < all.size(); from += maxBatch) {
            out.add(new ReceiptBatch(gatewayId, kind, now, all.subList(from, Math.min(all.size(), from + maxBatch))));
        }
    }
}
