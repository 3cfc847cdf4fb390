package com.ims.presence.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.protocol.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The intake clock with an explicit clock and a mock consumer: it advances only while events are read to their end. */
class IntakeClockTest {

    private static final long T0 = 1_000_000;
    private final AtomicLong now = new AtomicLong(T0);
    private final IntakeClock intake = new IntakeClock(now::get, Duration.ofMillis(100));
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final TopicPartition p0 = new TopicPartition(Topics.PRESENCE_EVENTS, 0);
    private final TopicPartition p1 = new TopicPartition(Topics.PRESENCE_EVENTS, 1);

    @Test
    void staysUnsetWhileNoPartitionIsAssigned() {
        // After a restart the group may hand out partitions a session timeout later: nothing is known meanwhile.
        now.addAndGet(45_000);
        intake.observe(consumer);

        assertThat(intake.hasCaughtUp()).isFalse();
        assertThat(intake.caughtUpTo()).isEqualTo(IntakeClock.NEVER);
    }

    @Test
    void advancesToWhenTheEndOffsetsWereReadOnceThePositionsReachThem() {
        assign(Map.of(p0, 0L, p1, 0L));
        consumer.updateEndOffsets(Map.of(p0, 5L, p1, 0L));
        intake.observe(consumer);
        assertThat(intake.hasCaughtUp()).as("a backlog is not caught up").isFalse();

        now.addAndGet(10_000);
        consumer.seek(p0, 3);
        intake.observe(consumer);
        assertThat(intake.hasCaughtUp()).isFalse();

        now.addAndGet(10_000);
        consumer.updateEndOffsets(Map.of(p0, 8L, p1, 0L)); // more events arrived meanwhile
        consumer.seek(p0, 5);
        intake.observe(consumer);
        assertThat(intake.caughtUpTo()).as("the instant of the probe, not of the catch-up").isEqualTo(T0);

        now.addAndGet(1_000);
        consumer.seek(p0, 8);
        intake.observe(consumer);
        assertThat(intake.caughtUpTo()).as("at the end: current").isEqualTo(T0 + 21_000);
    }

    @Test
    void anUnreachableBrokerLeavesTheClockWhereItWas() {
        assign(Map.of(p0, 0L));
        consumer.updateEndOffsets(Map.of(p0, 0L));
        intake.observe(consumer);
        assertThat(intake.caughtUpTo()).isEqualTo(T0);

        // An empty poll during an outage looks like an idle one; the end offsets cannot be read, so nothing advances.
        consumer.setOffsetsException(new KafkaException("broker unreachable"));
        now.addAndGet(60_000);
        intake.observe(consumer);

        assertThat(intake.caughtUpTo()).isEqualTo(T0);
    }

    private void assign(Map<TopicPartition, Long> positions) {
        consumer.assign(List.copyOf(positions.keySet()));
        consumer.updateBeginningOffsets(positions);
        positions.forEach(consumer::seek);
    }
}
