package com.ims.gateway.delivery;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.MessageListener;

import com.ims.gateway.metrics.GatewayMetrics;
import com.ims.protocol.Json;
import com.ims.protocol.internal.GatewayDelivery;

/**
 * The edge between the gateway's own topic and {@link DeliveryRouter}: decodes each record and routes it. A record that
 * does not decode is logged and skipped (it cannot become valid by retrying).
 *
 * <p>Where the consumer starts: on its first assignment, at the topic's end offsets read when this process started
 * ({@link StartOffsets}), or, when they could not be read, at the first record written since the start (less
 * {@link #START_MARGIN}) found by timestamp; on a later one (a rebalance), where it last committed. Live deliveries to
 * an earlier process with this id are worthless (its clients reconnect and get replay from the store), but every
 * record written since this one started may be for a connection it already took: the port accepts before the group
 * join assigns the topic (seconds; more in a reconnect storm), and a record written in between, skipped by a jump to
 * the end, would reach its user only by redelivery, 30 s later (seen in the handover storm, docs/BENCHMARKS.md).
 */
public final class DeliveryListener implements MessageListener<String, byte[]>, ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(DeliveryListener.class);

    /**
     * Without the start offsets, how much earlier than this process's start the first assignment starts reading: room
     * for the clocks of the producer (notification-service stamps the records) and of this host to differ. The extra
     * records are for connections this process does not have, which it drops, or for ones that replay also serves,
     * whose ids the client drops as repeats.
     */
    public static final long START_MARGIN = 10_000;

    private final DeliveryRouter router;
    private final GatewayMetrics metrics;
    /** Epoch milliseconds of the first record the first assignment reads, when {@link #startOffsets} is null. */
    private final long readFrom;
    /** The topic's end offset per partition when this process started; empty without a topic then; null if unread. */
    private final Map<Integer, Long> startOffsets;
    private final AtomicBoolean firstAssignment = new AtomicBoolean(true);
    /** Set once the consumer owns the partition and has its position: from then on, a produced record reaches us. */
    private final AtomicBoolean assigned = new AtomicBoolean();

    /**
     * @param startedAt    epoch milliseconds before this process could accept a connection
     * @param startOffsets {@link StartOffsets#read}, taken before this process could accept; null if unread
     */
    public DeliveryListener(DeliveryRouter router, GatewayMetrics metrics, long startedAt,
                            Map<Integer, Long> startOffsets) {
        this.router = router;
        this.metrics = metrics;
        this.readFrom = startedAt - START_MARGIN;
        this.startOffsets = startOffsets;
    }

    @Override
    public void onMessage(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        GatewayDelivery delivery;
        try {
            delivery = Json.fromBytes(record.value(), GatewayDelivery.class);
        } catch (RuntimeException e) {
            log.warn("undecodable delivery skipped topic={} offset={} error={}", record.topic(), record.offset(),
                    e.getClass().getSimpleName());
            return;
        }
        long now = System.currentTimeMillis();
        metrics.deliveryLag(now - record.timestamp());
        router.route(delivery, now);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty() && firstAssignment.compareAndSet(true, false)) {
            if (startOffsets != null) {
                seekToStartOffsets(consumer, partitions);
            } else {
                seekByTimestamp(consumer, partitions);
            }
        }
        // position() resolves a lazy seek or reset now, so "assigned" really means "positioned".
        partitions.forEach(consumer::position);
        assigned.set(!partitions.isEmpty());
        log.info("delivery topic assigned partitions={}", partitions);
    }

    /** A partition the topic did not have at the start is read from its beginning; so is one deleted up to it. */
    private void seekToStartOffsets(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
        for (TopicPartition partition : partitions) {
            long start = startOffsets.getOrDefault(partition.partition(), 0L);
            consumer.seek(partition, Math.max(start, beginnings.getOrDefault(partition, 0L)));
        }
    }

    private void seekByTimestamp(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> since = new HashMap<>();
        partitions.forEach(p -> since.put(p, readFrom));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(since);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp first = found.get(partition);
            if (first != null) {
                consumer.seek(partition, first.offset());
            } else {
                consumer.seekToEnd(List.of(partition)); // nothing written since: from the end
            }
        }
    }

    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.set(false);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.set(false);
    }

    public boolean isAssigned() {
        return assigned.get();
    }
}
