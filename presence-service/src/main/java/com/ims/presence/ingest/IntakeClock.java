package com.ims.presence.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far event intake has got, on this service's clock: {@link #caughtUpTo()} is an instant such that every presence
 * event written before it has been applied. Leases are expired against this instant, not the wall clock, so that a
 * stalled intake (partitions not yet assigned after a restart, a Kafka outage, a stuck or paused listener, a backlog)
 * never expires a gateway whose heartbeats are merely waiting in the topic.
 *
 * @implNote A watermark: at {@code t0} the end offsets of the assigned partitions are read from the broker; once the
 *     consumer's positions reach them (every record before them was returned by a poll and, the listener being
 *     synchronous, applied), intake has caught up to {@code t0}. The end offsets need a broker round trip, so an
 *     unreachable broker never advances the clock, where "the last poll returned" would (an empty poll looks the same as
 *     an outage). One probe is outstanding at a time and a new one is taken at most every {@code probeInterval}, so a
 *     busy stream costs one ListOffsets request per interval. Rejected: trusting record timestamps (gateway clocks, see
 *     {@code LeasePolicy}). Assumes one consumer thread (the listener's default concurrency of 1): presence state is one
 *     single-writer registry, so more consumers would not help.
 */
public final class IntakeClock {

    private static final Logger log = LoggerFactory.getLogger(IntakeClock.class);
    /** How long one end-offsets request may block the consumer thread; an outage is not worth waiting longer for. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** Value of {@link #caughtUpTo()} before intake has caught up once. */
    public static final long NEVER = -1;

    /** Epoch ms, same clock as the presence writer's. */
    private final LongSupplier clock;
    /** Minimum spacing of end-offsets requests. */
    private final long probeIntervalMillis;
    /** Written by the consumer thread, read by the writer (sweep) and health. */
    private volatile long caughtUpTo = NEVER;
    /** The outstanding probe; consumer thread only. */
    private Probe probe;
    /** When the last probe was taken, {@link #NEVER} before the first; consumer thread only. */
    private long lastProbeAt = NEVER;

    private record Probe(long takenAt, Map<TopicPartition, Long> endOffsets) {
    }

    public IntakeClock(LongSupplier clock, Duration probeInterval) {
        this.clock = clock;
        this.probeIntervalMillis = probeInterval.toMillis();
    }

    /** Every presence event written before this instant (epoch ms) has been applied; {@link #NEVER} until then. */
    public long caughtUpTo() {
        return caughtUpTo;
    }

    public boolean hasCaughtUp() {
        return caughtUpTo != NEVER;
    }

    /**
     * Called on the consumer thread after every applied batch and every idle poll: advances the clock when the consumer
     * reached the outstanding probe, and takes a new probe when due.
     */
    public void observe(Consumer<?, ?> consumer) {
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            if (assigned.isEmpty()) {
                probe = null;
                return;
            }
            if (probe != null && !probe.endOffsets().keySet().equals(assigned)) {
                probe = null; // a rebalance changed the partitions: the old probe says nothing about the new ones
            }
            if (probe != null && reached(consumer, probe)) {
                advance(probe.takenAt());
                probe = null;
            }
            long now = clock.getAsLong();
            if (probe == null && (lastProbeAt == NEVER || now - lastProbeAt >= probeIntervalMillis)) {
                lastProbeAt = now;
                Probe taken = new Probe(now, Map.copyOf(consumer.endOffsets(assigned, PROBE_TIMEOUT)));
                if (reached(consumer, taken)) {
                    advance(taken.takenAt());
                } else {
                    probe = taken;
                }
            }
        } catch (RuntimeException e) {
            // Broker unreachable or positions unknown: intake is not known to be current, so the clock stays put.
            probe = null;
            log.debug("intake probe failed reason={}", e.toString());
        }
    }

    private static boolean reached(Consumer<?, ?> consumer, Probe probe) {
        for (Map.Entry<TopicPartition, Long> end : probe.endOffsets().entrySet()) {
            if (consumer.position(end.getKey(), PROBE_TIMEOUT) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void advance(long to) {
        if (to > caughtUpTo) {
            caughtUpTo = to;
        }
    }
}
