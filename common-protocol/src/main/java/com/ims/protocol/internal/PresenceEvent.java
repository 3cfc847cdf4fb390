package com.ims.protocol.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a gateway tells presence-service (and notification-service) on {@code ims.presence.events}, keyed by gateway id.
 *
 * @param kind        what happened
 * @param gatewayId   the gateway that saw it
 * @param tenant      for connection events
 * @param userId      for connection events
 * @param clientId    for connection events: the connection's id, unique per gateway start
 * @param roles       for {@link Kind#CONNECTED}: the {@code roles} claim of the user's token
 * @param at          epoch ms at the gateway
 * @param leaseMillis for {@link Kind#HEARTBEAT} and {@link Kind#STARTED}: how long the gateway's lease lasts from {@code at}
 * @param replayPage  for {@link Kind#CONNECTED}: the page size the gateway takes the connection's replay in (null: the
 *                    whole replay at once, as gateways before paged replay took it); for {@link Kind#REPLAY_NEXT}: the
 *                    page asked for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PresenceEvent(
        Kind kind,
        String gatewayId,
        String tenant,
        String userId,
        String clientId,
        List<String> roles,
        long at,
        long leaseMillis,
        ReplayPage replayPage) {

    public enum Kind {
        /** A connection authenticated; the user is online on this gateway. */
        CONNECTED,
        /** A connection closed, for whatever reason. */
        DISCONNECTED,
        /** Lease renewal, sent every lease/3. */
        HEARTBEAT,
        /** The gateway (re)started: connections it held under this id before are gone. */
        STARTED,
        /** The gateway drained and stopped: all its connections are gone. */
        STOPPED,
        /**
         * A connection wrote the last replay page it got and asks for the next one ({@link ReplayPage}); for
         * notification-service only, presence ignores it.
         */
        REPLAY_NEXT
    }

    /** Any event but a paged CONNECTED or a REPLAY_NEXT. */
    public PresenceEvent(Kind kind, String gatewayId, String tenant, String userId, String clientId, List<String> roles,
                         long at, long leaseMillis) {
        this(kind, gatewayId, tenant, userId, clientId, roles, at, leaseMillis, null);
    }

    public static PresenceEvent connected(String gatewayId, String tenant, String userId, String clientId,
                                          List<String> roles, long at) {
        return connected(gatewayId, tenant, userId, clientId, roles, at, null);
    }

    public static PresenceEvent connected(String gatewayId, String tenant, String userId, String clientId,
                                          List<String> roles, long at, ReplayPage replayPage) {
        return new PresenceEvent(Kind.CONNECTED, gatewayId, tenant, userId, clientId,
                roles == null ? List.of() : List.copyOf(roles), at, 0, replayPage);
    }

    public static PresenceEvent replayNext(String gatewayId, String tenant, String userId, String clientId, long at,
                                           ReplayPage page) {
        return new PresenceEvent(Kind.REPLAY_NEXT, gatewayId, tenant, userId, clientId, null, at, 0, page);
    }

    public static PresenceEvent disconnected(String gatewayId, String tenant, String userId, String clientId, long at) {
        return new PresenceEvent(Kind.DISCONNECTED, gatewayId, tenant, userId, clientId, null, at, 0);
    }

    public static PresenceEvent heartbeat(String gatewayId, long at, long leaseMillis) {
        return new PresenceEvent(Kind.HEARTBEAT, gatewayId, null, null, null, null, at, leaseMillis);
    }

    public static PresenceEvent started(String gatewayId, long at, long leaseMillis) {
        return new PresenceEvent(Kind.STARTED, gatewayId, null, null, null, null, at, leaseMillis);
    }

    public static PresenceEvent stopped(String gatewayId, long at) {
        return new PresenceEvent(Kind.STOPPED, gatewayId, null, null, null, null, at, 0);
    }
}
