package com.ims.presence.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** The presence figures on {@code /actuator/prometheus}: gauges read the registry, counters count what happened. */
@Component
public class PresenceMetrics {

    private final Counter leaseExpiries;
    private final Counter malformedEvents;
    private final Counter events;

    public PresenceMetrics(MeterRegistry meters, PresenceRegistry registry) {
        Gauge.builder("ims.presence.online.users", registry, PresenceRegistry::onlineUsers)
                .description("users with at least one connection").register(meters);
        Gauge.builder("ims.presence.connections", registry, PresenceRegistry::connections)
                .description("connections on all gateways").register(meters);
        Gauge.builder("ims.presence.gateways", registry, PresenceRegistry::gatewayCount)
                .description("gateways holding a lease").register(meters);
        leaseExpiries = Counter.builder("ims.presence.lease.expiries")
                .description("gateways removed because their lease lapsed").register(meters);
        malformedEvents = Counter.builder("ims.presence.events.malformed")
                .description("presence event records skipped because they could not be read").register(meters);
        events = Counter.builder("ims.presence.events")
                .description("presence events applied").register(meters);
    }

    public void leaseExpired(int gateways) {
        leaseExpiries.increment(gateways);
    }

    public void malformedEvent() {
        malformedEvents.increment();
    }

    public void applied(int count) {
        events.increment(count);
    }

    public double leaseExpiries() {
        return leaseExpiries.count();
    }
}
