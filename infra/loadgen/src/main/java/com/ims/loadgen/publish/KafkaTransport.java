package com.ims.loadgen.publish;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka producer path of the contract: a record on {@code ims.notifications} keyed by tenant, the request body with
 * an {@code id} and {@code tenant} added, accepted once the broker acknowledged it (acks=all, idempotent). The record's
 * timestamp, which notification-service stamps on the message, is taken at {@code send}, so the linger counts in the
 * latency measured.
 */
final class KafkaTransport implements Publisher.Transport {

    static final String TOPIC = "ims.notifications";

    private final KafkaProducer<String, byte[]> producer;
    private final String tenant;
    private final Semaphore inFlight;
    private final String runPrefix = "lgk-" + Long.toString(System.currentTimeMillis(), 36) + "-";
    private final AtomicLong next = new AtomicLong();

    KafkaTransport(String bootstrap, String tenant, int maxInFlight, int lingerMs) {
        this.tenant = tenant;
        this.inFlight = new Semaphore(maxInFlight);
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, lingerMs),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** The request body as a record value: {@code id} and {@code tenant} first, then the body's own fields. */
    static String record(String body, String id, String tenant) {
        String rest = body.substring(body.indexOf('{') + 1).replace(",\"tenant\":\"" + tenant + "\"", "");
        return "{\"id\":\"" + id + "\",\"tenant\":\"" + tenant + "\"," + rest;
    }

    @Override
    public CompletableFuture<String> send(String body) {
        if (!inFlight.tryAcquire()) {
            return null;
        }
        String id = runPrefix + next.incrementAndGet();
        CompletableFuture<String> accepted = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(TOPIC, tenant, record(body, id, tenant).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    (metadata, error) -> {
                        inFlight.release();
                        if (error != null) {
                            accepted.completeExceptionally(error);
                        } else {
                            accepted.complete(id);
                        }
                    });
        } catch (RuntimeException e) {
            inFlight.release();
            accepted.completeExceptionally(e);
        }
        return accepted;
    }

    @Override
    public void close() {
        producer.close();
    }
}
