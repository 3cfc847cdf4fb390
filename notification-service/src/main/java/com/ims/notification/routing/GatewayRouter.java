package com.ims.notification.routing;

import com.ims.protocol.Topics;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.GatewayDelivery;
import com.ims.protocol.internal.ReplayPage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Turns one message into one {@link GatewayDelivery} per gateway holding any recipient (chunked by user count) and sends
 * them without waiting: the caller awaits all sends of a batch at once.
 */
public class GatewayRouter {

    private static final Logger log = LoggerFactory.getLogger(GatewayRouter.class);

    private final KafkaTemplate<String, Object> kafka;
    private final RouteTable routes;
    private final GatewayTopics topics;
    private final int chunkSize;

    public GatewayRouter(KafkaTemplate<String, Object> kafka, RouteTable routes, GatewayTopics topics, int chunkSize) {
        this.kafka = kafka;
        this.routes = routes;
        this.topics = topics;
        this.chunkSize = chunkSize;
    }

    /** What to send: the frame encoded once, and the fields every GatewayDelivery of it shares. */
    public record Outgoing(String tenant, String messageId, boolean persistent, long expiresAt, String frame) {
    }

    /** Sends to the online ones among {@code userIds}; offline users are skipped (the store keeps theirs). */
    public List<CompletableFuture<?>> toUsers(Outgoing message, Collection<String> userIds) {
        Map<String, List<String>> byGateway = new LinkedHashMap<>();
        for (String userId : userIds) {
            for (String gateway : routes.gatewaysOf(new UserKey(message.tenant(), userId))) {
                byGateway.computeIfAbsent(gateway, g -> new ArrayList<>()).add(userId);
            }
        }
        List<CompletableFuture<?>> sends = new ArrayList<>();
        byGateway.forEach((gateway, users) -> {
            for (int from = 0; from < users.size(); from += chunkSize) {
                List<String> chunk = users.subList(from, Math.min(users.size(), from + chunkSize));
                sends.add(send(gateway, new GatewayDelivery(GatewayDelivery.Kind.PUSH, message.tenant(), chunk, false, null,
                        message.messageId(), message.persistent(), message.expiresAt(), message.frame())));
            }
        });
        return sends;
    }

    /** One record per gateway holding any user of the tenant, addressed to all of the tenant's connections there. */
    public List<CompletableFuture<?>> toTenant(Outgoing message) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (String gateway : routes.gatewaysOfTenant(message.tenant())) {
            sends.add(send(gateway, new GatewayDelivery(GatewayDelivery.Kind.PUSH, message.tenant(), List.of(), true, null,
                    message.messageId(), message.persistent(), message.expiresAt(), message.frame())));
        }
        return sends;
    }

    /** A replayed message for one connection (the one that just connected). */
    public CompletableFuture<?> toConnection(String gatewayId, String userId, String clientId, Outgoing message) {
        return send(gatewayId, new GatewayDelivery(GatewayDelivery.Kind.PUSH, message.tenant(), List.of(userId), false,
                clientId, message.messageId(), true, message.expiresAt(), message.frame()));
    }

    public CompletableFuture<?> replayDone(String gatewayId, String tenant, String userId, String clientId) {
        return send(gatewayId, GatewayDelivery.replayDone(tenant, userId, clientId));
    }

    /** The end of one replay page: the gateway asks for {@code next} once it wrote the page. */
    public CompletableFuture<?> replayMore(String gatewayId, String tenant, String userId, String clientId,
                                           ReplayPage next) {
        return send(gatewayId, GatewayDelivery.replayMore(tenant, userId, clientId, next));
    }

    private CompletableFuture<?> send(String gatewayId, GatewayDelivery delivery) {
        if (!topics.ensure(gatewayId)) {
            return CompletableFuture.failedFuture(new IllegalStateException("no topic for gateway " + gatewayId));
        }
        return kafka.send(Topics.gateway(gatewayId), delivery).whenComplete((r, e) -> {
            if (e != null) {
                log.warn("gateway send failed gatewayId={} messageId={} error={}", gatewayId, delivery.messageId(), e.toString());
            }
        });
    }
}
