package com.ims.gateway.delivery;

import java.util.Collection;
import com.ims.gateway.metrics.GatewayMetrics;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.MessageListener;

import com.ims.protocol.Json;
import com.ims.protocol.internal.GatewayDelivery;

/**
 * The edge between the gateway's own topic and {@link DeliveryRouter}: decodes each record and routes it. A record that
 * does not decode is logged and skipped (it cannot become valid by retrying). On assignment the consumer jumps to the end
 * of the topic: live deliveries that are older than this gateway's start are worthless, replay comes from the store.
 */
public final class DeliveryListener implements MessageListener<String, byte[]>, ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(DeliveryListener.class);

    private final DeliveryRouter router;
    private final GatewayMetrics metrics;
    /** Set once the consumer owns the partition and sits at its end: from then on, a produced record reaches us. */
    private final AtomicBoolean assigned = new AtomicBoolean();

    public DeliveryListener(DeliveryRouter router, GatewayMetrics metrics) {
        this.router = router;
        this.metrics = metrics;
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
        consumer.seekToEnd(partitions);
        // position() resolves the lazy seek now, so "assigned" really means "at the end".
        partitions.forEach(consumer::position);
        assigned.set(!partitions.isEmpty());
        log.info("delivery topic assigned partitions={}", partitions);
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
