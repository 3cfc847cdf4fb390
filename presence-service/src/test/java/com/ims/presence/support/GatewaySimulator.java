package com.ims.presence.support;

import com.ims.protocol.Json;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.PresenceEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes presence events as a gateway does: JSON values keyed by gateway id on the real events topic. */
public final class GatewaySimulator implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    public GatewaySimulator(String bootstrap) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    public void send(PresenceEvent... events) {
        for (PresenceEvent event : events) {
            raw(event.gatewayId(), Json.toBytes(event));
        }
    }

    public void started(String gatewayId, long leaseMillis) {
        send(PresenceEvent.started(gatewayId, System.currentTimeMillis(), leaseMillis));
    }

    public void connected(String gatewayId, String tenant, String userId, String clientId) {
        send(PresenceEvent.connected(gatewayId, tenant, userId, clientId, List.of(), System.currentTimeMillis()));
    }

    public void disconnected(String gatewayId, String tenant, String userId, String clientId) {
        send(PresenceEvent.disconnected(gatewayId, tenant, userId, clientId, System.currentTimeMillis()));
    }

    /** Any bytes, as a broken or foreign producer would write them. */
    public void raw(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.PRESENCE_EVENTS, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
