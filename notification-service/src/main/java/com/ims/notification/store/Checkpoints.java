package com.ims.notification.store;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.support.Acknowledgment;

/**
 * Makes the store's writes durable before anything outside relies on them: before a listener's Kafka offsets move, and
 * before an API answers that it changed something. The writes themselves are not journaled; one journaled write, the
 * checkpoint, covers all of them, because MongoDB's journal is a single sequential log: when a journaled write is
 * acknowledged, every write acknowledged before it is in the journal as well.
 *
 * <p>A listener calls {@link #batchDone} after each batch (its container runs in {@code MANUAL} ack mode). At most once
 * per {@code interval} (per consumer thread) it writes the checkpoint and only then acknowledges that batch and every
 * batch kept since the last checkpoint, in order; batches left unacknowledged because no other followed are
 * checkpointed by a timer. A crash (of this service or of the store) re-reads at most about one
 * interval of batches, which the listeners apply idempotently; nothing whose offset was committed can be missing from
 * the store.
 *
 * @implNote Why not journal every write: on the embedded store a journaled write commits the whole MVStore, rewriting
 *     every page it touched, and under the unicast benchmark two commits per ingest batch were most of the dev
 *     platform's CPU (docs/BENCHMARKS.md). MongoDB itself groups journal flushes every 100 ms for the same reason.
 *     The checkpoint is {@code w: "majority", j: true}: on a replica set the offsets must not move past writes a
 *     failover could roll back; a standalone server treats "majority" as itself.
 */
public class Checkpoints implements AutoCloseable {

    public static final WriteConcern JOURNALED = WriteConcern.MAJORITY.withJournal(true);
    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);

    private final MongoCollection<Document> checkpoints;
    private final long intervalNanos;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Map<String, Cursor> cursors = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    /**
     * @param interval how long a batch may wait for its checkpoint; also how often a quiet listener's last batches are
     *                 checkpointed and acknowledged, so its offsets catch up when traffic stops
     */
    public Checkpoints(MongoCollection<Document> checkpoints, Duration interval, Clock clock, LongSupplier nanoTime) {
        this.checkpoints = checkpoints.withWriteConcern(JOURNALED);
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.flusher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ims-checkpoints").daemon().factory());
        flusher.scheduleWithFixedDelay(this::flushQuiet, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Journals every write this service has had acknowledged so far. The checkpoint document ({@code _id: name}, {@code at})
     * also tells an operator when each listener last made its work durable.
     */
    public void journal(String name) {
        checkpoints.updateOne(Filters.eq("_id", name), Updates.set("at", Date.from(clock.instant())),
                new UpdateOptions().upsert(true));
    }

    /**
     * After a batch's writes: if the interval has passed since this consumer thread's last checkpoint, journal and
     * acknowledge this batch and every batch kept before it; otherwise keep the batch for a later checkpoint, or for the
     * flusher when none follows within the interval.
     *
     * @return whether the batch was acknowledged now
     */
    public boolean batchDone(String listener, Acknowledgment ack) {
        String name = listener + "@" + Thread.currentThread().getName();
        return cursors.computeIfAbsent(name, Cursor::new).batchDone(ack, nanoTime.getAsLong());
    }

    /** Checkpoints and acknowledges what quiet listeners left unacknowledged (the container commits it on its next poll). */
    void flushQuiet() {
        for (Cursor cursor : cursors.values()) {
            try {
                cursor.flushIfDue(nanoTime.getAsLong());
            } catch (RuntimeException e) {
                // The store is away: the batch stays unacknowledged, so its offsets stay behind; tried again next time.
                log.warn("checkpoint failed, offsets held back listener={} error={}", cursor.name, e.toString());
            }
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
    }

    /** One consumer thread's progress. Synchronized: the listener thread and the flusher both move it. */
    private final class Cursor {
        private final String name;
        private long lastJournaled;
        private boolean journaledOnce;
        /**
         * Batches done since the last checkpoint, oldest first. All of them, not only the last: a batch acknowledgement
         * commits only the partitions of its own records, and a consumer thread owns several partitions, so a later
         * batch from one partition does not cover an earlier one from another (that one's offsets would stay behind
         * until its partition got traffic again, and a restart would re-ingest it). Bounded by the batches of one
         * interval.
         */
        private final List<Acknowledgment> unacknowledged = new ArrayList<>();

        Cursor(String name) {
            this.name = name;
        }

        synchronized boolean batchDone(Acknowledgment ack, long now) {
            unacknowledged.add(ack);
            if (journaledOnce && now - lastJournaled < intervalNanos) {
                return false;
            }
            checkpoint(now);
            return true;
        }

        synchronized void flushIfDue(long now) {
            if (!unacknowledged.isEmpty() && now - lastJournaled >= intervalNanos) {
                checkpoint(now);
            }
        }

        private void checkpoint(long now) {
            journal(name);
            // In order, so that the container never commits a partition's offset behind one it committed already.
            unacknowledged.forEach(Acknowledgment::acknowledge);
            unacknowledged.clear();
            lastJournaled = now;
            journaledOnce = true;
        }
    }
}
