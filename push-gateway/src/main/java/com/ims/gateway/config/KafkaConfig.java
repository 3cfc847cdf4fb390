package com.ims.gateway.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;

import com.ims.gateway.delivery.DeliveryListener;
import com.ims.gateway.delivery.StartOffsets;
import com.ims.gateway.metrics.GatewayMetrics;
import com.ims.gateway.delivery.DeliveryRouter;
import com.ims.protocol.Topics;
import com.ims.support.kafka.JsonSerde;
import com.ims.support.kafka.PlatformTopics;

/** The gateway's Kafka parts: its own topic and consumer, and one idempotent producer for presence and receipts. */
@Configuration(proxyBeanMethods = false)
public class KafkaConfig {

    @Bean
    KafkaAdmin.NewTopics gatewayTopics(GatewayProperties properties, GatewayIdentity identity) {
        var topics = new java.util.ArrayList<>(PlatformTopics.shared(properties.kafka().replication()));
        topics.add(gatewayTopic(properties, identity));
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    /** This gateway's own topic, as KafkaAdmin creates it and as {@link StartOffsets} creates it if it comes first. */
    private static NewTopic gatewayTopic(GatewayProperties properties, GatewayIdentity identity) {
        return PlatformTopics.gateway(identity.id(), properties.kafka().replication());
    }

    @Bean
    KafkaTemplate<String, Object> gatewayProducer(@Value("${spring.kafka.bootstrap-servers}") String bootstrap,
                                                  GatewayIdentity identity) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "ims-gateway-" + identity.id());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        DefaultKafkaProducerFactory<String, Object> factory =
                new DefaultKafkaProducerFactory<>(props, new StringSerializer(), JsonSerde.serializer());
        return new KafkaTemplate<>(factory);
    }

    /**
     * Made before the port can accept (the gateway admits connections only once it announced STARTED, after every bean
     * exists): the start time and the topic's end offsets taken here precede every record for a connection it takes.
     */
    @Bean
    DeliveryListener deliveryListener(DeliveryRouter router, GatewayMetrics metrics, KafkaAdmin admin,
                                      GatewayIdentity identity, GatewayProperties properties) {
        long startedAt = System.currentTimeMillis();
        return new DeliveryListener(router, metrics, startedAt, StartOffsets.read(admin.getConfigurationProperties(),
                gatewayTopic(properties, identity), START_OFFSETS_TIMEOUT));
    }

    /**
     * A broker that does not answer at start costs the gateway this much (as long as KafkaAdmin's own wait for its
     * topics), and the listener then goes by timestamp. 5 s was too short for a cold JVM starting beside a busy gateway
     * on 2 cores (a handover in the benchmark's storm).
     */
    static final Duration START_OFFSETS_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Consumes {@code ims.gateway.<id>} in group {@code ims-gateway-<id>}, from this process's start (see
     * DeliveryListener). The listener only queues frames, so one consumer thread is enough for the whole gateway.
     */
    @Bean
    KafkaMessageListenerContainer<String, byte[]> deliveryContainer(
            @Value("${spring.kafka.bootstrap-servers}") String bootstrap, GatewayIdentity identity,
            DeliveryListener listener) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "ims-gateway-" + identity.id());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        DefaultKafkaConsumerFactory<String, byte[]> factory =
                new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        ContainerProperties container = new ContainerProperties(Topics.gateway(identity.id()));
        container.setMessageListener(listener);
        container.setConsumerRebalanceListener(listener);
        container.setClientId("ims-gateway-" + identity.id());
        // Offsets here only say where a rebalance within this process resumes (a new process starts from its own start
        // offsets): commit rarely (each commit is a write to the broker's offsets log) and never wait for one between
        // polls.
        container.setAckMode(ContainerProperties.AckMode.TIME);
        container.setAckTime(5_000);
        container.setSyncCommits(false);
        return new KafkaMessageListenerContainer<>(factory, container);
    }
}
