package com.ims.gateway.delivery;

import java.util.Collection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.ims.gateway.metrics.GatewayMetrics;
import com.ims.gateway.session.Connection;
import com.ims.gateway.session.ConnectionRegistry;
import com.ims.gateway.session.OutboundFrame;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.GatewayDelivery;

/**
 * Fans a {@link GatewayDelivery} out to the local connections it names: one connection (replay), the connections of the
 * listed users, or every connection of the tenant. The frame becomes ONE {@link OutboundFrame} queued on each recipient;
 * nothing here touches a socket, so the Kafka listener thread that calls it never waits on a slow client.
 */
public final class DeliveryRouter {

    private static final Logger log = LoggerFactory.getLogger(DeliveryRouter.class);

    private final ConnectionRegistry registry;
    private final GatewayMetrics metrics;

    public DeliveryRouter(ConnectionRegistry registry, GatewayMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    /** @return how many connections the delivery was queued or held for */
    public int route(GatewayDelivery delivery, long now) {
        if (delivery.kind() == null || delivery.tenant() == null) {
            log.warn("delivery without kind or tenant dropped messageId={}", delivery.messageId());
            return 0;
        }
        return switch (delivery.kind()) {
            case REPLAY_DONE -> replayDone(delivery);
            case REPLAY_MORE -> replayMore(delivery);
            case PUSH -> push(delivery, now);
        };
    }

    /** A replay page ended; the connection asks for the next once it wrote it. Without a page it can only end. */
    private int replayMore(GatewayDelivery delivery) {
        Connection connection = addressed(delivery);
        if (connection == null) {
            return 0;
        }
        if (delivery.replayPage() == null) {
            log.warn("REPLAY_MORE without a page, ending the replay clientId={}", delivery.clientId());
            return connection.replayDone() ? 1 : 0;
        }
        connection.replayMore(delivery.replayPage());
        return 1;
    }

    private int replayDone(GatewayDelivery delivery) {
        Connection connection = addressed(delivery);
        return connection != null && connection.replayDone() ? 1 : 0;
    }

    private int push(GatewayDelivery delivery, long now) {
        metrics.delivery();
        if (delivery.expiresAt() > 0 && now >= delivery.expiresAt()) {
            metrics.deliveryExpired();
            log.debug("expired delivery dropped messageId={} tenant={}", delivery.messageId(), delivery.tenant());
            return 0;
        }
        if (delivery.frame() == null || delivery.frame().isEmpty()) {
            log.warn("delivery without frame dropped messageId={} tenant={}", delivery.messageId(), delivery.tenant());
            return 0;
        }
        OutboundFrame frame = OutboundFrame.of(delivery.frame(), delivery.messageId(), delivery.persistent());
        if (delivery.clientId() != null) {
            Connection connection = addressed(delivery);
            if (connection == null) {
                return 0;
            }
            connection.deliverReplay(frame);
            return 1;
        }
        if (delivery.allOfTenant()) {
            return deliverAll(registry.forTenant(delivery.tenant()), frame);
        }
        int count = 0;
        for (String userId : delivery.userIds()) {
            if (userId != null) {
                count += deliverAll(registry.forUser(new UserKey(delivery.tenant(), userId)), frame);
            }
        }
        return count;
    }

    /** The connection a record names by clientId, only if it belongs to the record's tenant (and user, when given). */
    private Connection addressed(GatewayDelivery delivery) {
        Connection connection = registry.byClientId(delivery.clientId());
        if (connection == null || !connection.user().tenant().equals(delivery.tenant())) {
            return null;
        }
        if (!delivery.userIds().isEmpty() && !delivery.userIds().contains(connection.user().userId())) {
            return null;
        }
        return connection;
    }

    private static int deliverAll(Collection<Connection> connections, OutboundFrame frame) {
        int count = 0;
        for (Connection connection : connections) {
            connection.deliverLive(frame);
            count++;
        }
        return count;
    }
}
