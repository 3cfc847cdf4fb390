package com.ims.protocol.internal;

import java.util.List;
import java.util.Map;

/**
 * Value of the compacted {@code ims.presence.routes} topic: the gateways that hold a user's connections right now.
 * A user with no connection has a tombstone (null value) instead.
 *
 * @param tenant    the user's tenant
 * @param userId    the user
 * @param gateways  gateway id to the client ids of the user's connections on it (never empty)
 * @param updatedAt epoch ms of the change at presence-service
 */
public record UserRoute(String tenant, String userId, Map<String, List<String>> gateways, long updatedAt) {

    public UserRoute {
        gateways = gateways == null ? Map.of() : Map.copyOf(gateways);
    }

    public int connections() {
        return gateways.values().stream().mapToInt(List::size).sum();
    }
}
