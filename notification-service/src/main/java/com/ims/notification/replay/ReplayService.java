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
}
