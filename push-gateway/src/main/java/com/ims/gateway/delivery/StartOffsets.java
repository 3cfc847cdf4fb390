package com.ims.gateway.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end offset of each partition of the gateway's topic, read once at start, before the port can accept a
 * connection: every record at or after it was written since, so it may be for a connection this process takes. Unlike
 * a record's timestamp (the producer's clock), an offset needs no clock to agree with this host's.
 *
 * <p>A topic the broker does not know is created here, as KafkaAdmin would create it a moment later: once this call
 * created it, it is empty, so reading it from its beginning is right. If it turns out to exist (the broker that
 * answered had stale metadata, say just after it restarted), its offsets are read again: reading it from its
 * beginning would send its users every delivery still retained.
 */
public final class StartOffsets {

    private static final Logger log = LoggerFactory.getLogger(StartOffsets.class);
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(100);

    private StartOffsets() {
    }

    /**
     * @param topic the gateway's topic as it is created when missing
     * @return partition → end offset; empty when the topic did not exist and this call created it (all it will hold is
     *     newer than this process); null when the offsets were not read within {@code timeout} (the listener then goes
     *     by timestamp)
     */
    public static Map<Integer, Long> read(Map<String, Object> adminConfig, NewTopic topic, Duration timeout) {
        return read(() -> Admin.create(adminConfig), topic, timeout);
    }

    /** As {@link #read(Map, NewTopic, Duration)}, with the client from {@code admins} (a test wraps a real one). */
    static Map<Integer, Long> read(Supplier<Admin> admins, NewTopic topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Admin admin = admins.get();
        try {
            while (true) {
                try {
                    return endOffsets(admin, topic.name(), deadline);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
                try {
                    admin.createTopics(List.of(topic)).all().get(remaining(deadline), TimeUnit.NANOSECONDS);
                    return Map.of();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    log.info("delivery topic reported unknown, then existing; reading its end offsets again topic={}",
                            topic.name());
                }
                // the metadata that said "unknown" may take a moment to catch up
                TimeUnit.NANOSECONDS.sleep(Math.min(RETRY_BACKOFF.toNanos(), remaining(deadline)));
                if (remaining(deadline) == 0) {
                    throw new TimeoutException();
                }
            }
        } catch (ExecutionException e) {
            log.warn("delivery topic's end offsets unread, starting by timestamp topic={} error={}", topic.name(),
                    e.getCause().toString());
            return null;
        } catch (TimeoutException e) {
            log.warn("delivery topic's end offsets unread within {}, starting by timestamp topic={}", timeout,
                    topic.name());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            // not close(): it waits for calls still pending, up to the client's default API timeout (a minute)
            admin.close(Duration.ZERO);
        }
    }

    private static Map<Integer, Long> endOffsets(Admin admin, String topic, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
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
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }
}
