package com.ims.presence.config;

import com.ims.support.kafka.JsonSerde;
import com.ims.support.kafka.PlatformTopics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/** Kafka wiring: the shared topics, and the producer of routes and status changes (idempotent, acks=all, JSON values). */
@Configuration(proxyBeanMethods = false)
public class KafkaConfig {

    /** Small: batches the records of one event batch without delaying a lone change noticeably. */
    private static final int LINGER_MS = 5;
    /** Pause between attempts of a batch whose changes Kafka refused; the next attempt re-publishes them first. */
    private static final long BATCH_RETRY_PAUSE_MS = 1_000;

    @Bean
    KafkaAdmin.NewTopics sharedTopics(PresenceProperties properties) {
        return new KafkaAdmin.NewTopics(PlatformTopics.shared(properties.kafka().replication()).toArray(NewTopic[]::new));
    }

    /**
     * A batch listener that throws is retried (the consumer kept alive, its partitions paused) until it succeeds, never
     * skipped: it throws only when Kafka refused a route or status record, and skipping would commit events whose
     * changes were never published. Boot's default listener container factory picks this bean up.
     */
    @Bean
    CommonErrorHandler presenceBatchRetry() {
        return new DefaultErrorHandler(new FixedBackOff(BATCH_RETRY_PAUSE_MS, FixedBackOff.UNLIMITED_ATTEMPTS));
    }

    @Bean
    ProducerFactory<String, Object> presenceProducerFactory(KafkaProperties kafka) {
        Map<String, Object> props = new HashMap<>(kafka.buildProducerProperties());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "ims-presence");
        return new DefaultKafkaProducerFactory<>(props, new StringSerializer(), JsonSerde.serializer());
    }

    @Bean
    KafkaTemplate<String, Object> presenceKafkaTemplate(ProducerFactory<String, Object> presenceProducerFactory) {
        return new KafkaTemplate<>(presenceProducerFactory);
    }
}
