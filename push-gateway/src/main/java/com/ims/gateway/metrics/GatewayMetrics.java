package com.ims.gateway.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import com.ims.protocol.CloseCodes;

/** The gateway's Micrometer meters (names in docs/services/push-gateway.md), created once and shared. */
public final class GatewayMetrics {

    private final MeterRegistry registry;
    private final Counter connectionsOpened;
    private final Counter handshakesRefused;
    private final Counter deliveries;
    private final Counter deliveriesExpired;
    private final Counter framesWritten;
    private final Counter queueOverflows;
    private final Counter rateLimited;
    private final Counter badFrames;
    private final Timer deliveryLag;
    private final Map<CloseCodes, Counter> closes = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.connectionsOpened = Counter.builder("ims.gateway.connections.opened")
                .description("authenticated connections opened").register(registry);
        this.handshakesRefused = Counter.builder("ims.gateway.handshakes.refused")
                .description("upgrades closed with 4001 for a missing or bad token").register(registry);
        this.deliveries = Counter.builder("ims.gateway.deliveries")
                .description("GatewayDelivery PUSH records received").register(registry);
        this.deliveriesExpired = Counter.builder("ims.gateway.deliveries.expired")
                .description("PUSH records dropped because expiresAt passed").register(registry);
        this.framesWritten = Counter.builder("ims.gateway.frames.written")
                .description("frames written to sockets").register(registry);
        this.queueOverflows = Counter.builder("ims.gateway.queue.overflows")
                .description("connections closed with 4010 because their outbound queue passed its limit").register(registry);
        this.rateLimited = Counter.builder("ims.gateway.frames.rate_limited")
                .description("client frames refused by the per-connection rate limit").register(registry);
        this.badFrames = Counter.builder("ims.gateway.frames.bad")
                .description("client frames answered with BAD_MESSAGE or UNKNOWN_TYPE").register(registry);
        this.deliveryLag = Timer.builder("ims.gateway.delivery.lag")
                .description("from a GatewayDelivery record's timestamp (sent by notification-service) to its routing here")
                .register(registry);
    }

    public void deliveryLag(long millis) {
        deliveryLag.record(Math.max(0, millis), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public void connectionOpened() {
        connectionsOpened.increment();
    }

    public void handshakeRefused() {
        handshakesRefused.increment();
    }

    public void delivery() {
        deliveries.increment();
    }

    public void deliveryExpired() {
        deliveriesExpired.increment();
    }

    public void frameWritten() {
        framesWritten.increment();
    }

    public void rateLimited() {
        rateLimited.increment();
    }

    public void badFrame() {
        badFrames.increment();
    }

    public void closed(CloseCodes code) {
        if (code == CloseCodes.TOO_SLOW) {
            queueOverflows.increment();
        }
        closes.computeIfAbsent(code, c -> Counter.builder("ims.gateway.closes")
                .description("connections closed by the gateway, by close code")
                .tag("code", String.valueOf(c.code()))
                .register(registry)).increment();
    }
}
