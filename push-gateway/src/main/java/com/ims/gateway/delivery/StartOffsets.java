package com.ims.gateway.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end offset of each partition of the gateway's topic, read once at start, before the port can accept a
 * connection: every record at or after it was written since, so it may be for a connection this process takes. Unlike
 * a record's timestamp (the producer's clock), an offset needs no clock to agree with this host's.
 */
public final class StartOffsets {

    private static final Logger log = LoggerFactory.getLogger(StartOffsets.class);

    private StartOffsets() {
    }

    /**
     * @return partition → end offset; empty when the topic does not exist yet (all it will hold is newer than this
     *     process); null when the broker did not answer within {@code timeout} (the listener then goes by timestamp)
     */
    public static Map<Integer, Long> read(Map<String, Object> adminConfig, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Admin admin = Admin.create(adminConfig);
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                    .get(remaining(deadline), TimeUnit.NANOSECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            description.partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(remaining(deadline), TimeUnit.NANOSECONDS);
            Map<Integer, Long> offsets = new HashMap<>();
            ends.forEach((partition, end) -> offsets.put(partition.partition(), end.offset()));
            return offsets;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Map.of();
            }
            log.warn("delivery topic's end offsets unread, starting by timestamp topic={} error={}", topic,
                    e.getCause().toString());
            return null;
        } catch (TimeoutException e) {
            log.warn("delivery topic's end offsets unread within {}, starting by timestamp topic={}", timeout, topic);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            // not close(): it waits for calls still pending, up to the client's default API timeout (a minute)
            admin.close(Duration.ZERO);
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
