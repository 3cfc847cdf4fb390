package com.ims.notification.redelivery;

import com.ims.notification.routing.GatewayRouter;
import com.ims.notification.routing.GatewayRouter.Outgoing;
import com.ims.notification.routing.RouteTable;
import com.ims.notification.routing.Sends;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.OpenDelivery;
import com.ims.notification.store.StoredMessage;
import com.ims.protocol.UserKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one periodic task of delivery: marks expired deliveries EXPIRED in bulk, then re-sends unacknowledged deliveries
 * whose time has come to the user's current gateways, with exponential backoff.
 *
 * @implNote One sweeper over an index ({@code status, nextAttemptAt}) instead of a timer per message: the work is
 *     proportional to what is due, not to what is stored. A delivery of a user found offline loses its timer; replay
 *     on the next connect sends it, so offline users cost nothing per sweep. Several instances may sweep at once: a
 *     double re-send is harmless (clients drop repeated ids), only a little wasteful.
 */
public class RedeliverySweeper {

    private static final Logger log = LoggerFactory.getLogger(RedeliverySweeper.class);

    private final DeliveryStore store;
    private final RouteTable routes;
    private final GatewayRouter router;
    private final Clock clock;
    private final int batchSize;
    private final Duration redeliveryAfter;
    private final Duration maxBackoff;
    private final Duration sendTimeout;

    public RedeliverySweeper(DeliveryStore store, RouteTable routes, GatewayRouter router, Clock clock, int batchSize,
                             Duration redeliveryAfter, Duration maxBackoff, Duration sendTimeout) {
        this.store = store;
        this.routes = routes;
        this.router = router;
        this.clock = clock;
        this.batchSize = batchSize;
        this.redeliveryAfter = redeliveryAfter;
        this.maxBackoff = maxBackoff;
        this.sendTimeout = sendTimeout;
    }

    public void sweep() {
        try {
            sweepOnce();
        } catch (RuntimeException e) {
            log.warn("delivery sweep failed; next sweep retries error={}", e.toString());
        }
    }

    /** Returns how many deliveries were re-sent. */
    public int sweepOnce() {
        Instant now = clock.instant();
        long expired = store.expireDue(now);
        if (expired > 0) {
            log.info("deliveries expired count={}", expired);
        }
        List<OpenDelivery> due = new ArrayList<>(store.dueForRedelivery(now, batchSize));
        if (due.isEmpty()) {
            return 0;
        }
        // Sent per message in this order: oldest first, as replay sends them (rows and fan-out entries come due
        // separately; a backlog a replay left out must not reach its user shuffled).
        due.sort(Comparator.comparingLong(OpenDelivery::seq));
        Map<String, StoredMessage> messages = store.messages(due.stream().map(OpenDelivery::messageKey).toList());
        Map<String, List<OpenDelivery>> byMessage = new LinkedHashMap<>();
        List<String> offline = new ArrayList<>();
        for (OpenDelivery d : due) {
            StoredMessage m = messages.get(d.messageKey());
            if (m == null || d.expiredAt(now)) {
                continue;
            }
            if (!routes.isOnline(new UserKey(d.tenant(), d.userId()))) {
                offline.add(d.key());
                continue;
            }
            byMessage.computeIfAbsent(d.messageKey(), k -> new ArrayList<>()).add(d);
        }
        store.unschedule(offline);
        List<CompletableFuture<?>> sends = new ArrayList<>();
        Map<String, Integer> sent = new HashMap<>();
        byMessage.forEach((key, deliveries) -> {
            StoredMessage m = messages.get(key);
            sends.addAll(router.toUsers(new Outgoing(m.tenant(), m.messageId(), true, m.expiresAtMillis(), m.frame()),
                    deliveries.stream().map(OpenDelivery::userId).toList()));
            deliveries.forEach(d -> sent.put(d.key(), d.attempts()));
        });
        store.markSent(sent, now, redeliveryAfter, maxBackoff);
        int failed = Sends.awaitSettled(sends, sendTimeout);
        log.info("redelivered deliveries={} records={} failedRecords={} unscheduledOffline={}",
                sent.size(), sends.size(), failed, offline.size());
        return sent.size();
    }
}
