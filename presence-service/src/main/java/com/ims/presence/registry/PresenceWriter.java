package com.ims.presence.registry;

import com.ims.presence.publish.PresencePublisher;
import com.ims.protocol.internal.PresenceEvent;
import com.ims.protocol.internal.UserRoute;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 */
public final class PresenceWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PresenceWriter.class);

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

    public PresenceWriter(PresenceRegistry registry, PresencePublisher publisher, PresenceMetrics metrics, LongSupplier clock) {
        this.registry = registry;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Applies events in order, publishes every change and waits until Kafka has the changes. */
    public void applyAll(List<PresenceEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        run(() -> {
            long now = clock.getAsLong();
            for (PresenceEvent event : events) {
                publisher.publish(registry.apply(event, now), now);
                if (event.kind() == PresenceEvent.Kind.STARTED || event.kind() == PresenceEvent.Kind.STOPPED) {
                    log.info("gateway {} gatewayId={} leaseMillis={}", event.kind(), event.gatewayId(), event.leaseMillis());
                }
            }
            metrics.applied(events.size());
            return null;
        });
        publisher.flush();
    }

    /** Removes the connections of every gateway whose lease lapsed. Runs on the writer thread (see {@link #every}). */
    public void sweep() {
        long now = clock.getAsLong();
        PresenceRegistry.Expiry expiry = registry.expire(now);
        if (!expiry.gateways().isEmpty()) {
            publisher.publish(expiry.changes(), now);
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
