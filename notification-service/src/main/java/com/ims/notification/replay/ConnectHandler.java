package com.ims.notification.replay;

import com.ims.notification.directory.RoleDirectory;
import com.ims.notification.directory.UserDirectory;
import com.ims.notification.routing.RouteTable;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.PresenceEvent;
import java.time.Clock;
import java.time.Instant;
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
        List<CompletableFuture<?>> sends = replay.replay(tenant, userId, event.gatewayId(), event.clientId(), now);
        log.info("connected tenant={} userId={} gatewayId={} clientId={} replayed={} broadcastsMaterialized={}",
                tenant, userId, event.gatewayId(), event.clientId(), sends.size() - 1, materialized);
        return sends;
    }
}
