package com.ims.gateway.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;

import com.ims.protocol.Json;
import com.ims.support.kafka.JsonSerde;

import static org.awaitility.Awaitility.await;

/** Produces records to the real broker and reads a topic from its beginning, for assertions. */
public final class KafkaProbe implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<String, Object> producer;

    public KafkaProbe(String bootstrap) {
        this.bootstrap = bootstrap;
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), JsonSerde.serializer());
    }

    public void send(String topic, Object value) {
        producer.send(new ProducerRecord<>(topic, null, value));
    }

    public void flush() {
        producer.flush();
    }

    /** Reads the whole topic until {@code done} holds over the JSON values read so far. */
    public List<JsonNode> readUntil(String topic, Predicate<List<JsonNode>> done) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<JsonNode> values = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(Json.tree(r.value()));
                }
                return done.test(values);
            });
        }
        return values;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
