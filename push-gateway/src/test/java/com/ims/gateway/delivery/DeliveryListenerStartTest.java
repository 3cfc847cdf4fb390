package com.ims.gateway.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.ims.devplatform.TestPlatform;
import com.ims.gateway.metrics.GatewayMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the delivery consumer starts, on a real broker: at the topic's end offsets read when the process started (or,
 * unread, at the first record written since the start less the margin, by timestamp), so that a delivery written for
 * a connection taken before the group join assigned the topic is read; not at the end (which would skip it), and not
 * at the beginning (an earlier process's deliveries).
 */
class DeliveryListenerStartTest {

    private static final long HOUR = 3_600_000;
    private final String bootstrap = TestPlatform.shared().kafkaBootstrap();

    @Test
    void theFirstAssignmentReadsFromTheStartOffsetsWhateverTheProducersClock() throws Exception {
        String topic = newTopic();
        long now = System.currentTimeMillis();
        // written for the process before this one
        List<Long> earlier = produce(topic, Map.of("earlier", now - 2 * HOUR));
        Map<Integer, Long> startOffsets = StartOffsets.read(adminConfig(), spec(topic), Duration.ofSeconds(10));
        long startedAt = System.currentTimeMillis();
        // then for a connection this one took before its assignment, by a producer whose clock is an hour behind
        List<Long> since = produce(topic, Map.of("since", startedAt - HOUR));

        assertThat(startOffsets).containsExactly(Map.entry(0, earlier.get(0) + 1));
        assertThat(positionAfterAssignment(topic, startedAt, startOffsets))
                .as("the record written since the start comes first").isEqualTo(since.get(0));
        assertThat(positionAfterAssignment(topic, startedAt, null)).as("by timestamp, the clock behind skips it")
                .isEqualTo(since.get(0) + 1);
    }

    @Test
    void aTopicThatDidNotExistAtTheStartIsCreatedThenAndReadFromItsBeginning() throws Exception {
        String topic = "ims.gateway.start-" + UUID.randomUUID();
        NewTopic spec = spec(topic).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "600000"));
        Map<Integer, Long> startOffsets = StartOffsets.read(adminConfig(), spec, Duration.ofSeconds(10));
        List<Long> since = produce(topic, Map.of("since", System.currentTimeMillis() - HOUR));

        assertThat(startOffsets).isEmpty();
        try (Admin admin = Admin.create(adminConfig())) {
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
                    .hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.RETENTION_MS_CONFIG).value()).as("created as the spec says").isEqualTo("600000");
        }
        assertThat(positionAfterAssignment(topic, System.currentTimeMillis(), startOffsets)).isEqualTo(since.get(0));
    }

    @Test
    void aTopicThatExistsIsNotCreatedAgainAndKeepsItsEndOffsets() throws Exception {
        String topic = newTopic();
        List<Long> earlier = produce(topic, Map.of("earlier", System.currentTimeMillis()));

        Map<Integer, Long> startOffsets = StartOffsets.read(adminConfig(), new NewTopic(topic, 3, (short) 1),
                Duration.ofSeconds(10));

        assertThat(startOffsets).containsExactly(Map.entry(0, earlier.get(0) + 1));
        try (Admin admin = Admin.create(adminConfig())) {
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(1);
        }
    }

    @Test
    void aTopicReportedUnknownButFoundExistingByTheCreateKeepsItsEndOffsets() throws Exception {
        String topic = "ims.gateway.start-" + UUID.randomUUID();
        AtomicReference<List<Long>> written = new AtomicReference<>();
        // As after a broker's restart, when its metadata lags: the first describe says "unknown", and by the time of
        // the create the topic exists, with a delivery an earlier process was sent.
        Supplier<Admin> staleOnce = () -> new ForwardingAdmin(adminConfig()) {
            private boolean described;

            @Override
            public DescribeTopicsResult describeTopics(TopicCollection topics, DescribeTopicsOptions options) {
                DescribeTopicsResult result = super.describeTopics(topics, options);
                if (!described) {
                    described = true;
                    assertThat(result.topicNameValues().get(topic)).failsWithin(Duration.ofSeconds(10))
                            .withThrowableOfType(ExecutionException.class)
                            .withCauseInstanceOf(UnknownTopicOrPartitionException.class);
                    try {
                        createTopic(topic);
                        written.set(produce(topic, Map.of("earlier", System.currentTimeMillis())));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return result;
            }
        };

        Map<Integer, Long> startOffsets = StartOffsets.read(staleOnce, spec(topic), Duration.ofSeconds(10));

        assertThat(startOffsets).as("read again after the create found it, not read from its beginning")
                .containsExactly(Map.entry(0, written.get().get(0) + 1));
    }

    @Test
    void aBrokerThatDoesNotAnswerLeavesTheOffsetsUnreadWithinTheTimeout() {
        long began = System.nanoTime();
        Map<String, Object> nowhere = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        Map<Integer, Long> offsets = StartOffsets.read(nowhere, spec("ims.gateway.nowhere"), Duration.ofSeconds(1));

        assertThat(offsets).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void unreadOffsetsStartFromTheProcessStartByTimestampNotFromTheEnd() throws Exception {
        String topic = newTopic();
        long startedAt = System.currentTimeMillis();
        long before = startedAt - DeliveryListener.START_MARGIN - 60_000;
        // written for the process before this one, then for a connection this one took before its assignment
        List<Long> offsets = produce(topic, Map.of("earlier", before), Map.of("since", startedAt + 1));

        assertThat(positionAfterAssignment(topic, startedAt, null)).as("the record written since the start comes first")
                .isEqualTo(offsets.get(1));
    }

    @Test
    void unreadOffsetsAndNothingWrittenSinceTheStartBeginAtTheEnd() throws Exception {
        String topic = newTopic();
        long startedAt = System.currentTimeMillis();
        List<Long> offsets = produce(topic, Map.of("earlier", startedAt - DeliveryListener.START_MARGIN - 60_000));

        assertThat(positionAfterAssignment(topic, startedAt, null)).isEqualTo(offsets.get(0) + 1);
    }

    private Map<String, Object> adminConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    }

    private static NewTopic spec(String topic) {
        return new NewTopic(topic, 1, (short) 1);
    }

    private String newTopic() throws Exception {
        String topic = "ims.gateway.start-" + UUID.randomUUID();
        createTopic(topic);
        return topic;
    }

    private void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(adminConfig())) {
            admin.createTopics(List.of(spec(topic))).all().get();
        }
    }

    /** Produces one record per map (key → timestamp), in order, and returns their offsets. */
    @SafeVarargs
    private List<Long> produce(String topic, Map<String, Long>... records) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            List<Long> offsets = new ArrayList<>();
            for (Map<String, Long> record : records) {
                Map.Entry<String, Long> only = record.entrySet().iterator().next();
                offsets.add(producer.send(new ProducerRecord<>(topic, 0, only.getValue(), only.getKey(), new byte[0]))
                        .get().offset());
            }
            return offsets;
        }
    }

    /** Subscribes as the gateway's container does (the listener as its rebalance listener) and returns the position. */
    private long positionAfterAssignment(String topic, long startedAt, Map<Integer, Long> startOffsets) {
        DeliveryListener listener = new DeliveryListener(null, new GatewayMetrics(new SimpleMeterRegistry()), startedAt,
                startOffsets);
        AtomicLong position = new AtomicLong(-1);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "start-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    listener.onPartitionsAssigned(consumer, partitions);
                    // here, before this poll fetches anything and moves the position on
                    position.set(consumer.position(new TopicPartition(topic, 0)));
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!listener.isAssigned() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)); // the group join happens inside poll
            }
            assertThat(listener.isAssigned()).as("assigned within 30 s").isTrue();
            return position.get();
        }
    }
}
