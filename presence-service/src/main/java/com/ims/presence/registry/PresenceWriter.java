package com.ims.presence.registry;

import com.ims.presence.publish.PresencePublisher;
import com.ims.presence.publish.PresencePublisher.Sent;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.PresenceEvent;
import com.ims.protocol.internal.UserRoute;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that changes the {@link PresenceRegistry}: consumed events, the lease sweep and the restore at start all
 * run here, one after the other, and publish what they changed.
 *
 * @implNote A single writer thread instead of locks: events of all partitions and the sweeper never interleave inside a
 *     change, and the work per event is a few map operations, far below what one thread can do. Callers wait for their
 *     work to finish, so the Kafka listener commits offsets only for applied events.
 * @implNote Nothing published is lost: memory changes before Kafka has the record, so a record Kafka refused cannot be
 *     recomputed from the event (a replayed event is idempotent and changes nothing). Instead the user is remembered as
 *     unpublished, and every batch and sweep first re-publishes the CURRENT state of those users (route or tombstone,
 *     and their online status). {@link #applyAll} throws while any of its records failed, so the batch is retried and its
 *     offsets are not committed until Kafka has everything.
 */
public final class PresenceWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PresenceWriter.class);
    /** A flushed send's outcome is already known; this only bounds the wait if a callback is late. */
    private static final Duration OUTCOME_WAIT = Duration.ofSeconds(5);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "presence-writer");
        t.setDaemon(true);
        return t;
    });
    private final PresenceRegistry registry;
    private final PresencePublisher publisher;
    private final PresenceMetrics metrics;
    /** Epoch ms; leases are measured on this service's clock (see {@code LeasePolicy}). */
    private final LongSupplier clock;
    /**
     * Epoch ms up to which every event has been applied ({@code IntakeClock}), negative before the first catch-up. Leases
     * expire against it, never against a later wall clock: a lease cannot lapse while its renewal waits in the topic.
     */
    private final LongSupplier intake;
    /** Users whose route record Kafka refused; written by producer callbacks, drained on the writer thread. */
    private final Set<UserKey> unpublishedRoutes = ConcurrentHashMap.newKeySet();
    /** Users whose status record Kafka refused. */
    private final Set<UserKey> unpublishedStatuses = ConcurrentHashMap.newKeySet();

    public PresenceWriter(PresenceRegistry registry, PresencePublisher publisher, PresenceMetrics metrics, LongSupplier clock,
                          LongSupplier intake) {
        this.registry = registry;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
        this.intake = intake;
    }

    /**
     * Re-publishes what Kafka refused earlier, applies events in order, publishes every change and waits until Kafka has
     * the changes.
     *
     * @throws IllegalStateException when Kafka refused a record: the caller must not commit these events (they are
     *     retried; the refused users are re-published first)
     */
    public void applyAll(List<PresenceEvent> events) {
        if (events.isEmpty() && unpublishedRoutes.isEmpty() && unpublishedStatuses.isEmpty()) {
            return;
        }
        List<Sent> sent = run(() -> {
            long now = clock.getAsLong();
            List<Sent> out = republishUnpublished(now);
            for (PresenceEvent event : events) {
                out.addAll(track(publisher.publish(registry.apply(event, now), now)));
                if (event.kind() == PresenceEvent.Kind.STARTED || event.kind() == PresenceEvent.Kind.STOPPED) {
                    log.info("gateway {} gatewayId={} leaseMillis={}", event.kind(), event.gatewayId(), event.leaseMillis());
                }
            }
            metrics.applied(events.size());
            return out;
        });
        publisher.flush();
        long failed = sent.stream().filter(s -> !succeeded(s)).count();
        if (failed > 0) {
            throw new IllegalStateException("Kafka refused " + failed + " of " + sent.size()
                    + " presence records; they are re-published before the events are committed");
        }
    }

    /**
     * Removes the connections of every gateway whose lease lapsed by the intake clock (never by a wall clock that ran on
     * while no events could be read). Runs on the writer thread (see {@link #every}); does not wait for Kafka, a refused
     * record is re-published by the next sweep or batch.
     */
    public void sweep() {
        long now = clock.getAsLong();
        republishUnpublished(now);
        long caughtUpTo = intake.getAsLong();
        if (caughtUpTo < 0) {
            return; // intake has not caught up once since start: no lease can be judged yet
        }
        PresenceRegistry.Expiry expiry = registry.expire(Math.min(now, caughtUpTo));
        if (!expiry.gateways().isEmpty()) {
            track(publisher.publish(expiry.changes(), now));
            metrics.leaseExpired(expiry.gateways().size());
            log.warn("gateway lease expired gatewayIds={} usersChanged={}", expiry.gateways(), expiry.changes().size());
        }
    }

    /** Loads state read back from the routes topic; nothing is published, the topic already holds it. */
    public void restore(Collection<UserRoute> routes) {
        run(() -> {
            registry.restore(routes, clock.getAsLong());
            return null;
        });
    }

    /** Users whose records are still to be re-published (diagnostics and tests). */
    public int unpublishedUsers() {
        Set<UserKey> users = ConcurrentHashMap.newKeySet();
        users.addAll(unpublishedRoutes);
        users.addAll(unpublishedStatuses);
        return users.size();
    }

    /** Sends the current state of every user a refused record was about. Writer thread only. */
    private List<Sent> republishUnpublished(long now) {
        List<Sent> sent = new ArrayList<>();
        for (UserKey user : List.copyOf(unpublishedRoutes)) {
            unpublishedRoutes.remove(user);
            sent.add(publisher.route(user, registry.find(user).orElse(null)));
        }
        for (UserKey user : List.copyOf(unpublishedStatuses)) {
            unpublishedStatuses.remove(user);
            sent.add(publisher.status(user, registry.find(user).isPresent(), now));
        }
        if (!sent.isEmpty()) {
            log.info("re-publishing presence of users Kafka refused before records={}", sent.size());
        }
        return track(sent);
    }

    /** Remembers the user of every record that fails, whenever it fails. */
    private List<Sent> track(List<Sent> sent) {
        for (Sent s : sent) {
            s.outcome().whenComplete((result, error) -> {
                if (error != null) {
                    (s.kind() == Sent.Kind.ROUTE ? unpublishedRoutes : unpublishedStatuses).add(s.user());
                }
            });
        }
        return sent;
    }

    /** After a flush every outcome is known; one still open is treated as failed (its callback marks it if it fails). */
    private static boolean succeeded(Sent sent) {
        try {
            sent.outcome().get(OUTCOME_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Runs {@code task} on the writer thread every {@code period}; a failing run is logged and the next one still runs. */
    public void every(Duration period, Runnable task) {
        thread.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("scheduled presence task failed", e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private <T> T run(Callable<T> task) {
        try {
            return thread.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the presence writer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
