package com.ims.presence.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ims.presence.ingest.IntakeClock;
import com.ims.presence.lease.GatewayLeases;
import com.ims.presence.lease.LeasePolicy;
import com.ims.presence.publish.PresencePublisher;
import com.ims.protocol.Topics;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.PresenceEvent;
import com.ims.protocol.internal.UserRoute;
import com.ims.protocol.internal.UserStatusChange;
import com.ims.support.kafka.JsonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The writer with an explicit clock, an explicit intake clock and a producer that can refuse records: leases expire
 * against intake, and whatever Kafka refused is re-published, with the current state, before a batch counts as applied.
 */
class PresenceWriterTest {

    private static final long T0 = 1_000_000;
    private static final long LEASE = 15_000;

    private final AtomicLong now = new AtomicLong(T0);
    private final AtomicLong intake = new AtomicLong(IntakeClock.NEVER);
    private final FlakyProducer producer = new FlakyProducer();
    private final PresenceRegistry registry = new PresenceRegistry(new GatewayLeases(new LeasePolicy(LEASE, 60_000)));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PresenceWriter writer = new PresenceWriter(registry,
            new PresencePublisher(new KafkaTemplate<>(() -> producer), meters),
            new PresenceMetrics(meters, registry), now::get, intake::get);
    private final UserKey alice = new UserKey("t", "alice");

    @AfterEach
    void close() {
        writer.close();
    }

    @Test
    void noLeaseExpiresWhileIntakeStallsAndAQueuedHeartbeatStillFindsItsUsers() {
        writer.restore(List.of(new UserRoute("t", "alice", Map.of("gw", List.of("c1")), T0)));

        // Partitions not assigned yet, a minute after the restore: intake never caught up, nothing is judged.
        now.set(T0 + 60_000);
        writer.sweep();
        assertThat(registry.find(alice)).isPresent();

        // Intake stalled at T0 + 5 s (an outage, a stuck listener) while the wall clock ran on.
        intake.set(T0 + 5_000);
        writer.sweep();
        assertThat(registry.find(alice)).isPresent();

        // Intake resumes: the heartbeat that waited in the topic renews the lease, the user never went offline.
        writer.applyAll(List.of(PresenceEvent.heartbeat("gw", T0 + 10_000, LEASE)));
        intake.set(T0 + 60_000);
        writer.sweep();
        assertThat(registry.find(alice)).isPresent();
        assertThat(records(Topics.PRESENCE_STATUS)).as("no offline flip").isEmpty();

        // Once intake passes the renewed lease without another heartbeat, the gateway does expire.
        intake.set(T0 + 60_000 + LEASE);
        now.set(T0 + 60_000 + LEASE);
        writer.sweep();
        assertThat(registry.find(alice)).isEmpty();
        assertThat(records(Topics.PRESENCE_ROUTES)).singleElement().extracting(ProducerRecord::value).isNull();
    }

    @Test
    void recordsKafkaRefusedAreRepublishedWithTheCurrentStateBeforeTheBatchCounts() {
        List<PresenceEvent> batch = List.of(PresenceEvent.connected("gw", "t", "alice", "c1", List.of(), T0));
        producer.refusing = true;

        assertThatThrownBy(() -> writer.applyAll(batch)).as("offsets must not be committed").isInstanceOf(IllegalStateException.class);
        assertThat(writer.unpublishedUsers()).isEqualTo(1);
        assertThat(producer.history()).isEmpty();

        // Kafka is back; the retried batch changes nothing in memory (idempotent), so only the re-publish sends the state.
        producer.refusing = false;
        writer.applyAll(batch);

        assertThat(writer.unpublishedUsers()).isZero();
        assertThat(records(Topics.PRESENCE_ROUTES)).singleElement().satisfies(r ->
                assertThat(((UserRoute) r.value()).gateways()).isEqualTo(Map.of("gw", List.of("c1"))));
        assertThat(records(Topics.PRESENCE_STATUS)).singleElement().satisfies(r ->
                assertThat(((UserStatusChange) r.value()).online()).isTrue());
    }

    @Test
    void aTombstoneKafkaRefusedDuringASweepIsRepublishedByTheNextSweep() {
        writer.applyAll(List.of(PresenceEvent.started("gw", T0, 1_000),
                PresenceEvent.connected("gw", "t", "alice", "c1", List.of(), T0)));
        producer.clear();
        producer.refusing = true;
        now.set(T0 + 2_000);
        intake.set(T0 + 2_000);

        writer.sweep();
        assertThat(registry.find(alice)).isEmpty();
        assertThat(writer.unpublishedUsers()).isEqualTo(1);

        producer.refusing = false;
        writer.sweep();

        assertThat(writer.unpublishedUsers()).isZero();
        assertThat(records(Topics.PRESENCE_ROUTES)).singleElement().extracting(ProducerRecord::value).as("tombstone").isNull();
        assertThat(records(Topics.PRESENCE_STATUS)).singleElement().satisfies(r ->
                assertThat(((UserStatusChange) r.value()).online()).isFalse());
    }

    private List<ProducerRecord<String, Object>> records(String topic) {
        return producer.history().stream().filter(r -> r.topic().equals(topic) && r.key().equals(alice.encoded())).toList();
    }

    /** A producer that completes sends at once, or refuses them as a broker outage would (delivery timeout). */
    static final class FlakyProducer extends MockProducer<String, Object> {
        volatile boolean refusing;

        FlakyProducer() {
            super(true, null, new StringSerializer(), JsonSerde.serializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, Object> record, Callback callback) {
            if (refusing) {
                TimeoutException refused = new TimeoutException("delivery timed out");
                if (callback != null) {
                    callback.onCompletion(null, refused);
                }
                return CompletableFuture.failedFuture(refused);
            }
            return super.send(record, callback);
        }

        @Override
        public void close(Duration timeout) {
            // KafkaTemplate closes its producer after each use, expecting a factory's shared one: keep this one open.
        }
    }
}
