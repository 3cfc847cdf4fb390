package com.ims.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import com.ims.gateway.admin.DrainService;
import com.ims.gateway.heartbeat.HeartbeatSweeper;
import com.ims.gateway.outbox.KafkaOutbox;
import com.ims.gateway.presence.PresencePublisher;
import com.ims.gateway.receipts.ReceiptFlusher;
import com.ims.gateway.session.GatewayState;

/**
 * Starts the gateway's periodic work (sweeper, receipt flush, lease heartbeat) and announces STARTED; on shutdown drains
 * first: the highest phase stops before the web server's graceful shutdown and before the Kafka containers, so clients get
 * 1012 and presence gets STOPPED while both still work.
 */
public final class GatewayLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GatewayLifecycle.class);
    static final Duration DRAIN_WAIT = Duration.ofSeconds(10);

    private final GatewayProperties properties;
    private final ScheduledExecutorService scheduler;
    private final HeartbeatSweeper sweeper;
    private final PresencePublisher presence;
    private final ReceiptFlusher receipts;
    private final DrainService drain;
    private final KafkaOutbox outbox;
    private final GatewayState state;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private volatile boolean running;

    GatewayLifecycle(GatewayProperties properties, ScheduledExecutorService scheduler, HeartbeatSweeper sweeper,
                     PresencePublisher presence, ReceiptFlusher receipts, DrainService drain, KafkaOutbox outbox,
                     GatewayState state) {
        this.state = state;
        this.properties = properties;
        this.scheduler = scheduler;
        this.sweeper = sweeper;
        this.presence = presence;
        this.receipts = receipts;
        this.drain = drain;
        this.outbox = outbox;
    }

    @Override
    public void start() {
        // STARTED first: presence forgets this gateway's old entries on it, and a connection admitted before it would be
        // forgotten too (the outbox keeps the order of STARTED and the CONNECTED events that follow).
        presence.started();
        state.startAccepting();
        long sweep = properties.ws().sweepPeriod().toMillis();
        long flush = properties.receipts().flushInterval().toMillis();
        long lease = Math.max(1, properties.gateway().lease().toMillis() / 3);
        tasks.add(scheduler.scheduleWithFixedDelay(sweeper, sweep, sweep, TimeUnit.MILLISECONDS));
        tasks.add(scheduler.scheduleWithFixedDelay(receipts, flush, flush, TimeUnit.MILLISECONDS));
        tasks.add(scheduler.scheduleWithFixedDelay(() -> {
            if (!drain.draining()) {
                presence.heartbeat();
            }
        }, lease, lease, TimeUnit.MILLISECONDS));
        running = true;
        log.info("gateway started sweepMs={} receiptFlushMs={} leaseHeartbeatMs={}", sweep, flush, lease);
    }

    @Override
    public void stop() {
        drain.drain(DRAIN_WAIT);
        tasks.forEach(t -> t.cancel(false));
        tasks.clear();
        // Receipts of the last writes (held DELIVERED ones too) and the STOPPED event must leave before the producer closes.
        receipts.flushAll();
        outbox.flush(Duration.ofSeconds(5));
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
