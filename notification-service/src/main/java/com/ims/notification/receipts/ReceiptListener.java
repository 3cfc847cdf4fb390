package com.ims.notification.receipts;

import com.ims.notification.ingest.Failures;
import com.ims.notification.store.Checkpoints;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.Keys;
import com.ims.protocol.Json;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.ReceiptBatch;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Applies the gateways' DELIVERED and ACKED receipts to the deliveries, one bulk update per kind per poll. The delivery
 * key is built from the authenticated user the gateway reports, so an ack for another user's message, or for an unknown
 * id, matches no document and changes nothing.
 */
public class ReceiptListener {

    private static final Logger log = LoggerFactory.getLogger(ReceiptListener.class);

    private final DeliveryStore store;
    private final Checkpoints checkpoints;
    private final Clock clock;

    public ReceiptListener(DeliveryStore store, Checkpoints checkpoints, Clock clock) {
        this.store = store;
        this.checkpoints = checkpoints;
        this.clock = clock;
    }

    @KafkaListener(id = "ims-notification-receipts", topics = Topics.RECEIPTS, groupId = "ims-notification-receipts",
            containerFactory = "receiptsContainerFactory", batch = "true")
    public void onBatch(List<ConsumerRecord<String, byte[]>> records, Acknowledgment ack) {
        List<ReceiptBatch> batches = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                if (r.value() != null) {
                    batches.add(Json.fromBytes(r.value(), ReceiptBatch.class));
                }
            } catch (RuntimeException e) {
                log.warn("skipping unreadable receipt batch partition={} offset={}", r.partition(), r.offset());
            }
        }
        try {
            apply(batches);
        } catch (RuntimeException e) {
            if (Failures.isTransient(e)) {
                throw e; // the container retries the batch until the store is back
            }
            // Receipts are an optimisation of redelivery: losing a batch costs re-sends, never a message.
            log.error("receipt batch failed and is skipped records={}", records.size(), e);
        }
        checkpoints.batchDone("receipts", ack);
    }

    public void apply(List<ReceiptBatch> batches) {
        // Sized for the whole poll (up to tens of thousands of receipts under fan-out): growing them was 4 % of this
        // service's CPU.
        int receipts = 0;
        for (ReceiptBatch b : batches) {
            receipts += b.receipts().size();
        }
        List<String> delivered = new ArrayList<>(receipts);
        List<String> acked = new ArrayList<>(receipts);
        for (ReceiptBatch b : batches) {
            if (b.kind() == null) {
                continue;
            }
            for (ReceiptBatch.Receipt r : b.receipts()) {
                if (r == null || r.tenant() == null || r.userId() == null || r.messageId() == null) {
                    continue;
                }
                String key = Keys.delivery(Keys.message(r.tenant(), r.messageId()), r.userId());
                (b.kind() == ReceiptBatch.Kind.ACKED ? acked : delivered).add(key);
            }
        }
        Instant now = clock.instant();
        // DELIVERED first: a batch holding both for one delivery must end ACKED, never back at DELIVERED.
        long[] changed = store.applyReceipts(delivered, acked, now);
        if (!delivered.isEmpty() || !acked.isEmpty()) {
            log.debug("receipts applied delivered={}/{} acked={}/{}", changed[0], delivered.size(), changed[1], acked.size());
        }
    }
}
