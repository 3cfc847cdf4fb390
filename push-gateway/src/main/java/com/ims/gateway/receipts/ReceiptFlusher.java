package com.ims.gateway.receipts;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import com.ims.gateway.outbox.KafkaOutbox;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.ReceiptBatch;

/**
 * Moves receipt batches from {@link ReceiptCollector} to {@code ims.receipts} (key: gateway id): on the periodic flush
 * (~200 ms), and after every full batch's worth of receipts (such an early flush finds only ACKED receipts due: held
 * DELIVERED ones rotate with the timer). Runs on the gateway scheduler; the send itself is the outbox's.
 */
public final class ReceiptFlusher implements Runnable {

    private final KafkaOutbox outbox;
    private final ScheduledExecutorService scheduler;
    /** Collapses many "batch full" signals into one extra flush. */
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private volatile ReceiptCollector collector;

    public ReceiptFlusher(KafkaOutbox outbox, ScheduledExecutorService scheduler) {
        this.outbox = outbox;
        this.scheduler = scheduler;
    }

    public void attach(ReceiptCollector collector) {
        this.collector = collector;
    }

    public void flushSoon() {
        if (flushQueued.compareAndSet(false, true)) {
            scheduler.execute(this);
        }
    }

    @Override
    public void run() {
        flushQueued.set(false);
        ReceiptCollector current = collector;
        if (current != null) {
            send(current.drain(System.currentTimeMillis()));
        }
    }

    /** The last flush, when the gateway stops: held DELIVERED receipts too. */
    public void flushAll() {
        ReceiptCollector current = collector;
        if (current != null) {
            send(current.drainAll(System.currentTimeMillis()));
        }
    }

    private void send(List<ReceiptBatch> batches) {
        for (ReceiptBatch batch : batches) {
            outbox.send(Topics.RECEIPTS, batch.gatewayId(), batch);
        }
    }
}
