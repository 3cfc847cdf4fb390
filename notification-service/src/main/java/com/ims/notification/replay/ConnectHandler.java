package com.ims.notification.replay;

import com.ims.notification.directory.RoleDirectory;
import com.ims.notification.directory.UserDirectory;
import com.ims.notification.routing.RouteTable;
import com.ims.notification.store.Keys;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.PresenceEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a CONNECTED event sets off, in this order: route the user to its new gateway, remember the user, learn its roles
 * from the token's claim, materialize the broadcasts it missed, and replay its open deliveries to the new connection.
 */
public class ConnectHandler {

    private static final Logger log = LoggerFactory.getLogger(ConnectHandler.class);

    private final UserDirectory users;
    private final RoleDirectory roles;
    private final BroadcastMaterializer broadcasts;
    private final ReplayService replay;
    private final RouteTable routes;
    private final Clock clock;

    public ConnectHandler(UserDirectory users, RoleDirectory roles, BroadcastMaterializer broadcasts, ReplayService replay,
                          RouteTable routes, Clock clock) {
        this.users = users;
        this.roles = roles;
        this.broadcasts = broadcasts;
        this.replay = replay;
        this.routes = routes;
        this.clock = clock;
    }

    public List<CompletableFuture<?>> onConnected(PresenceEvent event) {
        Instant now = clock.instant();
        String tenant = event.tenant();
        String userId = event.userId();
        routes.addGateway(new UserKey(tenant, userId), event.gatewayId());
        long watermark = users.remember(tenant, userId, now);
        roles.learnFromClaim(tenant, userId, event.roles() == null ? List.of() : event.roles());
        int materialized = broadcasts.materialize(tenant, userId, watermark, now);
        List<CompletableFuture<?>> sends = replay.replayAll(tenant, List.of(new ReplayService.Connection(userId,
                event.gatewayId(), event.clientId(), event.replayPage())), now);
        log.info("connected tenant={} userId={} gatewayId={} clientId={} replayed={} broadcastsMaterialized={}",
                tenant, userId, event.gatewayId(), event.clientId(), sends.size() - 1, materialized);
        return sends;
    }

    /** A page request that failed for good: the rest of that replay goes to the sweeper. */
    public void onReplayPageFailed(PresenceEvent event) {
        replay.leaveRestToSweeper(event.tenant(), event.userId(), event.replayPage().afterSeq(), clock.instant());
    }

    /** A gateway wrote a connection's last replay page and asks for the next one. */
    public List<CompletableFuture<?>> onReplayNext(PresenceEvent event) {
        List<CompletableFuture<?>> sends = replay.nextPage(event.tenant(), new ReplayService.Connection(event.userId(),
                event.gatewayId(), event.clientId(), event.replayPage()), clock.instant());
        log.debug("replay page tenant={} userId={} clientId={} afterSeq={} sends={}", event.tenant(), event.userId(),
                event.clientId(), event.replayPage().afterSeq(), sends.size() - 1);
        return sends;
    }

    /**
     * The CONNECTED events of one listener batch together, with the same effects and order per connection as
     * {@link #onConnected} for each in turn, but a bounded number of store round trips per tenant instead of ~5 per
     * connect: routes first (all of them, before any replay query), one bulk upsert of the users, one read and one bulk
     * of the role memberships, one broadcast query and bulk insert, one replay query.
     *
     * @implNote Where one user connects several times in the batch, its last event's roles claim wins (as it would in
     *     turn) and every connection gets its own replay. The sends are issued last, after every store write but the
     *     attempt bookkeeping, so a failure before them leaves nothing half sent for the per-event fallback to repeat.
     */
    public List<CompletableFuture<?>> onConnectedBatch(List<PresenceEvent> events) {
        Instant now = clock.instant();
        for (PresenceEvent e : events) {
            routes.addGateway(new UserKey(e.tenant(), e.userId()), e.gatewayId());
        }
        Map<String, List<PresenceEvent>> byTenant = new LinkedHashMap<>();
        for (PresenceEvent e : events) {
            byTenant.computeIfAbsent(e.tenant(), t -> new ArrayList<>()).add(e);
        }
        Map<String, Long> watermarks = users.rememberAll(events.stream().map(e -> new UserKey(e.tenant(), e.userId())).toList(), now);
        List<CompletableFuture<?>> sends = new ArrayList<>();
        byTenant.forEach((tenant, tenantEvents) -> {
            Map<String, List<String>> claims = new LinkedHashMap<>();
            Map<String, Long> tenantWatermarks = new HashMap<>();
            List<ReplayService.Connection> connections = new ArrayList<>(tenantEvents.size());
            for (PresenceEvent e : tenantEvents) {
                claims.put(e.userId(), e.roles() == null ? List.of() : List.copyOf(new LinkedHashSet<>(e.roles())));
                tenantWatermarks.put(e.userId(), watermarks.getOrDefault(Keys.user(tenant, e.userId()), UserDirectory.NO_WATERMARK));
                connections.add(new ReplayService.Connection(e.userId(), e.gatewayId(), e.clientId(), e.replayPage()));
            }
            roles.learnFromClaims(tenant, claims);
            int materialized = broadcasts.materializeAll(tenant, tenantWatermarks, now);
            List<CompletableFuture<?>> tenantSends = replay.replayAll(tenant, connections, now);
            sends.addAll(tenantSends);
            log.info("connected batch tenant={} connections={} users={} sends={} broadcastsMaterialized={}",
                    tenant, connections.size(), claims.size(), tenantSends.size() - connections.size(), materialized);
        });
        return sends;
    }
}
