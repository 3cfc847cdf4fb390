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
 *
 * @implNote At most {@code limit} deliveries per user are replayed. The rest get a redelivery timer (they may have none:
 *     a delivery stored while its user was offline has none), due one {@code redeliveryAfter} from now and one
 *     millisecond apart in {@code seq} order, so that the sweeper sends them while the user is online, oldest first, at
 *     most a sweep batch at a time. They come after REPLAY_DONE, so messages arriving live meanwhile may be shown before
 *     them. Rejected: replaying the whole backlog in pages before REPLAY_DONE keeps that order, but is the one burst the
 *     limit exists to prevent (the gateway closes a connection whose outbound queue passes its limit with 4010, and the
 *     client would reconnect into the same burst).
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
        return replayAll(tenant, List.of(new Connection(userId, gatewayId, clientId)), now);
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
        // Past the limit, per user: sent by the sweeper instead (see the class comment).
        Map<String, Instant> backlog = new HashMap<>();
        Map<String, Integer> backlogSize = new HashMap<>();
        Instant backlogFrom = now.plus(redeliveryAfter);
        for (OpenDelivery d : store.openDeliveries(tenant, byUser.keySet())) {
            List<OpenDelivery> own = byUser.get(d.userId());
            if (own == null) {
                continue;
            }
            if (own.size() < limit) {
                own.add(d);
            } else if (!d.expiredAt(now)) {
                int position = backlogSize.merge(d.userId(), 1, Integer::sum) - 1;
                backlog.put(d.key(), backlogFrom.plusMillis(position));
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
        store.scheduleBy(backlog);
        return sends;
    }
}
