package com.ims.gateway.presence;

import java.util.List;

import com.ims.gateway.outbox.KafkaOutbox;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.PresenceEvent;
import com.ims.protocol.internal.ReplayPage;

/** Publishes this gateway's presence events on {@code ims.presence.events}, keyed by gateway id (one order per gateway). */
public final class PresencePublisher {

    private final KafkaOutbox outbox;
    private final String gatewayId;
    private final long leaseMillis;
    /** Set by {@link #stopped()}: STOPPED already tells presence that every connection of this gateway is gone. */
    private volatile boolean stopped;

    public PresencePublisher(KafkaOutbox outbox, String gatewayId, long leaseMillis) {
        this.outbox = outbox;
        this.gatewayId = gatewayId;
        this.leaseMillis = leaseMillis;
    }

    /** @param replayOffer the page size the connection takes its replay in */
    public void connected(String tenant, String userId, String clientId, List<String> roles, ReplayPage replayOffer) {
        publish(PresenceEvent.connected(gatewayId, tenant, userId, clientId, roles, System.currentTimeMillis(), replayOffer));
    }

    /** A connection wrote its last replay page: notification-service sends {@code page} next. */
    public void replayNext(String tenant, String userId, String clientId, ReplayPage page) {
        publish(PresenceEvent.replayNext(gatewayId, tenant, userId, clientId, System.currentTimeMillis(), page));
    }

    /**
     * Nothing once the gateway sent STOPPED: a drain closes every connection, and one DISCONNECTED per connection would
     * only repeat what STOPPED said, as a burst of events presence and notification-service must read while those very
     * users reconnect elsewhere.
     */
    public void disconnected(String tenant, String userId, String clientId) {
        if (stopped) {
            return;
        }
        publish(PresenceEvent.disconnected(gatewayId, tenant, userId, clientId, System.currentTimeMillis()));
    }

    public void started() {
        publish(PresenceEvent.started(gatewayId, System.currentTimeMillis(), leaseMillis));
    }

    /** Lease renewal; sent every lease/3 so that two lost heartbeats still keep the lease. */
    public void heartbeat() {
        publish(PresenceEvent.heartbeat(gatewayId, System.currentTimeMillis(), leaseMillis));
    }

    public void stopped() {
        stopped = true;
        publish(PresenceEvent.stopped(gatewayId, System.currentTimeMillis()));
    }

    private void publish(PresenceEvent event) {
        outbox.send(Topics.PRESENCE_EVENTS, gatewayId, event);
    }
}
