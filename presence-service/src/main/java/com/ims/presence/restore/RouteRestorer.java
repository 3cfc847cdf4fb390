package com.ims.presence.restore;

import com.ims.protocol.Json;
import com.ims.protocol.Topics;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.UserRoute;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted routes topic from its beginning to its end offsets: the last value per user is the state presence
 * -service published before it stopped (a tombstone means offline).
 *
 * @implNote A plain consumer assigned to every partition, with no group: nothing is committed and no rebalance can take
 *     partitions away halfway; the end offsets are taken first, so records written meanwhile are not waited for.
 */
public final class RouteRestorer {

    private static final Logger log = LoggerFactory.getLogger(RouteRestorer.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Map<String, Object> consumerProperties;

    /** @param clientProperties connection settings (bootstrap servers, security); group and deserializers are set here */
    public RouteRestorer(Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "ims-presence-restore");
        this.consumerProperties = props;
    }

    /** The routes of every user online at the end of the topic, by user. */
    public Map<UserKey, UserRoute> readAll(Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<UserKey, UserRoute> routes = new HashMap<>();
        long records = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PRESENCE_ROUTES, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!reachedEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("routes topic not read to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    records++;
                    apply(routes, record);
                }
            }
        }
        log.info("routes restored records={} onlineUsers={}", records, routes.size());
        return routes;
    }

    private static boolean reachedEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static void apply(Map<UserKey, UserRoute> routes, ConsumerRecord<String, byte[]> record) {
        try {
            UserKey key = UserKey.decode(record.key());
            if (record.value() == null) {
                routes.remove(key);
                return;
            }
            UserRoute route = Json.fromBytes(record.value(), UserRoute.class);
            // A gateway with no client id left holds no connection: never restore an entry that counts zero.
            Map<String, List<String>> gateways = new HashMap<>();
            route.gateways().forEach((gateway, clients) -> {
                if (gateway != null && clients != null && !clients.isEmpty()) {
                    gateways.put(gateway, List.copyOf(clients));
                }
            });
            if (gateways.isEmpty()) {
                routes.remove(key);
            } else {
                // The key is what compaction and readers go by, so it names the user, whatever the value says.
                routes.put(key, new UserRoute(key.tenant(), key.userId(), gateways, route.updatedAt()));
            }
        } catch (RuntimeException e) {
            log.warn("skipped unreadable route record partition={} offset={} reason={}", record.partition(),
                    record.offset(), e.getMessage());
        }
    }
}
