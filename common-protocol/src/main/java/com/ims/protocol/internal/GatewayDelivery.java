package com.ims.protocol.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A record on a gateway's own topic {@code ims.gateway.<gatewayId>}: one message for some of that gateway's connections.
 *
 * @param kind         {@link Kind#PUSH} carries a frame; {@link Kind#REPLAY_DONE} ends the replay of one connection;
 *                     {@link Kind#REPLAY_MORE} ends one page of it, more to come when the gateway asks
 * @param tenant       tenant of every recipient
 * @param userIds      recipients on this gateway; empty when {@code allOfTenant}
 * @param allOfTenant  every connection of the tenant on this gateway
 * @param clientId     when set, only this connection (replay on connect); otherwise every connection of the recipients
 * @param messageId    the frame's id; null for a fire-and-forget frame
 * @param persistent   whether the gateway reports DELIVERED receipts and expects an ack
 * @param expiresAt    epoch ms after which the frame must not be sent; 0 for never
 * @param frame        the encoded frame, sent as is to every recipient (encoded once by notification-service)
 * @param replayPage   for {@link Kind#REPLAY_MORE}: where the next page starts, echoed by the gateway's
 *                     {@code REPLAY_NEXT} event; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GatewayDelivery(
        Kind kind,
        String tenant,
        List<String> userIds,
        boolean allOfTenant,
        String clientId,
        String messageId,
        boolean persistent,
        long expiresAt,
        String frame,
        ReplayPage replayPage) {

    public enum Kind { PUSH, REPLAY_DONE, REPLAY_MORE }

    public GatewayDelivery {
        userIds = userIds == null ? List.of() : List.copyOf(userIds);
    }

    /** Any record but {@link Kind#REPLAY_MORE}. */
    public GatewayDelivery(Kind kind, String tenant, List<String> userIds, boolean allOfTenant, String clientId,
                           String messageId, boolean persistent, long expiresAt, String frame) {
        this(kind, tenant, userIds, allOfTenant, clientId, messageId, persistent, expiresAt, frame, null);
    }

    public static GatewayDelivery replayDone(String tenant, String userId, String clientId) {
        return new GatewayDelivery(Kind.REPLAY_DONE, tenant, List.of(userId), false, clientId, null, false, 0, null);
    }

    public static GatewayDelivery replayMore(String tenant, String userId, String clientId, ReplayPage next) {
        return new GatewayDelivery(Kind.REPLAY_MORE, tenant, List.of(userId), false, clientId, null, false, 0, null, next);
    }
}
