package com.ims.notification.replay;

import com.ims.notification.routing.GatewayRouter;
import com.ims.notification.routing.GatewayRouter.Outgoing;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.OpenDelivery;
import com.ims.notification.store.StoredMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends a connecting user's open deliveries (PENDING or DELIVERED, unexpired), oldest first, to the one connection that
 * just connected, followed by REPLAY_DONE; the gateway holds live deliveries for that connection until then.
 */
public class ReplayService {

    private final DeliveryStore store;
    private final GatewayRouter router;
    private final int limit;
    private final Duration redeliveryAfter;
    private final Duration maxBackoff;

    public ReplayService(DeliveryStore store, GatewayRouter router, int limit, Duration redeliveryAfter, Duration maxBackoff) {
        this.store = store;
        this.router = router;
        this.limit = limit;
        this.redeliveryAfter = redeliveryAfter;
        this.maxBackoff = maxBackoff;
    }

    /** Issues the sends (not awaited) and records them as attempts; returns the futures for the caller's batch. */
    public List<CompletableFuture<?>> replay(String tenant, String userId, String gatewayId, String clientId, Instant now) {
        List<OpenDelivery> open = store.openDeliveries(tenant, userId, limit);
        Map<String, StoredMessage> messages = store.messages(open.stream().map(OpenDelivery::messageKey).toList());
        List<CompletableFuture<?>> sends = new ArrayList<>(open.size() + 1);
        Map<String, Integer> sent = new HashMap<>();
        for (OpenDelivery d : open) {
            StoredMessage m = messages.get(d.messageKey());
            if (m == null || d.expiredAt(now) || m.expiredAt(now)) {
                continue;
            }
            sends.add(router.toConnection(gatewayId, userId, clientId,
                    new Outgoing(tenant, m.messageId(), true, m.expiresAtMillis(), m.frame())));
            sent.put(d.key(), d.attempts());
        }
        sends.add(router.replayDone(gatewayId, tenant, userId, clientId));
        store.markSent(sent, now, redeliveryAfter, maxBackoff);
        return sends;
    }

    /** One connection to replay to: the user's deliveries go to this gateway and client. */
    public record Connection(String userId, String gatewayId, String clientId) {
    }

    /**
     * {@link #replay} for a connect batch of one tenant: one query of the open deliveries of all its users, grouped per
     * user in memory; each connection gets its user's first {@code limit} deliveries oldest first, then REPLAY_DONE.
     * A user with several connections in the batch is replayed to each, its attempts counted once per send as
     * {@link #replay} called once per connection would.
     */
    public List<CompletableFuture<?>> replayAll(String tenant, List<Connection> connections, Instant now) {
        if (connections.isEmpty()) {
            return List.of();
        }
        Map<String, List<OpenDelivery>> byUser = new HashMap<>();
        for (Connection c : connections) {
            byUser.putIfAbsent(c.userId(), new ArrayList<>());
        }
        for (OpenDelivery d : store.openDeliveries(tenant, byUser.keySet())) {
            List<OpenDelivery> own = byUser.get(d.userId());
            if (own != null && own.size() < limit) {
                own.add(d);
            }
        }
        List<String> keys = new ArrayList<>();
        byUser.values().forEach(list -> list.forEach(d -> keys.add(d.messageKey())));
        Map<String, StoredMessage> messages = store.messages(keys);
        List<CompletableFuture<?>> sends = new ArrayList<>(keys.size() + connections.size());
        Map<String, Integer> attempts = new HashMap<>();
        for (Connection c : connections) {
            for (OpenDelivery d : byUser.get(c.userId())) {
                StoredMessage m = messages.get(d.messageKey());
                if (m == null || d.expiredAt(now) || m.expiredAt(now)) {
                    continue;
                }
                sends.add(router.toConnection(c.gatewayId(), c.userId(), c.clientId(),
                        new Outgoing(tenant, m.messageId(), true, m.expiresAtMillis(), m.frame())));
                attempts.merge(d.key(), d.attempts() + 1, (before, ignored) -> before + 1);
            }
            sends.add(router.replayDone(c.gatewayId(), tenant, c.userId(), c.clientId()));
        }
        Map<String, Integer> previous = new HashMap<>(attempts.size());
        attempts.forEach((key, n) -> previous.put(key, n - 1)); // markSent counts the last send itself
        store.markSent(previous, now, redeliveryAfter, maxBackoff);
        return sends;
    }
}
