package com.ims.notification.config;

import com.ims.protocol.Json;
import com.ims.support.kafka.PlatformTopics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** Producer, consumers and topics. Consumers read bytes and decode at the edge; commits follow each processed batch. */
@Configuration(proxyBeanMethods = false)
public class KafkaConfig {

    /** Records per poll of the ingest listener: one bulk write and one awaited send round per poll. */
    private static final int INGEST_MAX_POLL_RECORDS = 500;
    /** How often consumed offsets are committed; what a crash may make the service read again. */
    static final java.time.Duration OFFSET_COMMIT_INTERVAL = java.time.Duration.ofSeconds(1);

    @Bean
    KafkaAdmin.NewTopics sharedTopics(NotificationProperties properties) {
        return new KafkaAdmin.NewTopics(PlatformTopics.shared(properties.kafka().replication()).toArray(NewTopic[]::new));
    }

    @Bean
    ProducerFactory<String, Object> imsProducerFactory(KafkaProperties kafka, NotificationProperties properties) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Every send is on a latency path (routing, the producer API), but at 1 ms the broker, the ingest listener and
        // the store saw about one record per request at 1,000 messages/s; 5 ms (the default) cut the platform's CPU per
        // message by a fifth and its p99 with it (docs/BENCHMARKS.md). IMS_PRODUCER_LINGER trades one for the other.
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) properties.kafka().producerLinger().toMillis());
        // A send to an unreachable broker fails within these bounds instead of hanging a listener or a request.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576);
        return new DefaultKafkaProducerFactory<>(props, new StringSerializer(), new ValueSerializer());
    }

    @Bean
    KafkaTemplate<String, Object> imsKafkaTemplate(ProducerFactory<String, Object> imsProducerFactory) {
        return new KafkaTemplate<>(imsProducerFactory);
    }

    @Bean
    ConsumerFactory<String, byte[]> imsConsumerFactory(KafkaProperties kafka) {
        return new DefaultKafkaConsumerFactory<>(consumerProps(kafka), new StringDeserializer(), new ByteArrayDeserializer());
    }

    static Map<String, Object> consumerProps(KafkaProperties kafka) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, INGEST_MAX_POLL_RECORDS);
        // A batch of large role messages on the embedded store can take minutes; leaving the group mid-batch would
        // only make another member redo it.
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 900_000);
        return props;
    }

    /** Ingest: batches, offsets committed after the listener returned, an outage retried with backoff forever. */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> ingestContainerFactory(
            ConsumerFactory<String, byte[]> imsConsumerFactory, NotificationProperties properties) {
        ConcurrentKafkaListenerContainerFactory<String, byte[]> f = batchFactory(imsConsumerFactory);
        f.setConcurrency(properties.kafka().ingestConcurrency());
        return f;
    }

    /**
     * Receipts: one thread, batches, each poll waiting up to {@code receipts-batch-wait} for receipts to gather, so that
     * a fan-out group is rewritten once for many acks rather than once per gateway flush.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> receiptsContainerFactory(KafkaProperties kafka,
                                                                                     NotificationProperties properties) {
        Map<String, Object> props = consumerProps(kafka);
        long waitMs = properties.kafka().receiptsBatchWait().toMillis();
        if (waitMs > 0) {
            props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1 << 20);
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) waitMs);
        }
        return batchFactory(new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer()));
    }

    /** Presence events: one thread, batches. */
    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> eventsContainerFactory(
            ConsumerFactory<String, byte[]> imsConsumerFactory) {
        return batchFactory(imsConsumerFactory);
    }

    private static ConcurrentKafkaListenerContainerFactory<String, byte[]> batchFactory(ConsumerFactory<String, byte[]> cf) {
        ConcurrentKafkaListenerContainerFactory<String, byte[]> f = new ConcurrentKafkaListenerContainerFactory<>();
        f.setConsumerFactory(cf);
        f.setBatchListener(true);
        // The listeners acknowledge a batch once its writes are journaled, at most once per OFFSET_COMMIT_INTERVAL
        // (Checkpoints), and the container commits what was acknowledged: one journal flush and one offsets-log write a
        // second instead of per poll (per poll they were most of the embedded store's and a large share of the broker's
        // work under load). Commits do not wait for the broker's answer, and one that fails is covered by the next. A
        // crash re-reads at most about that interval's batches, which is idempotent (see IngestProcessor; receipts and
        // presence events apply the same way twice).
        f.getContainerProperties().setAckMode(ContainerProperties.AckMode.MANUAL);
        f.getContainerProperties().setSyncCommits(false);
        // Only outages reach the container (the processors handle bad records themselves): retry the whole batch,
        // uncommitted, until the store or broker is back. Nothing is skipped, so nothing is lost.
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        f.setCommonErrorHandler(new DefaultErrorHandler(backOff));
        return f;
    }

    /** Protocol records as JSON; raw bytes (dead letters keep the original record) as they are. */
    static final class ValueSerializer implements Serializer<Object> {
        @Override
        public byte[] serialize(String topic, Object data) {
            if (data == null) {
                return null;
            }
            return data instanceof byte[] bytes ? bytes : Json.toBytes(data);
        }
    }
}
