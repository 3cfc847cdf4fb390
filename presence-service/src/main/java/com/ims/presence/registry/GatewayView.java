package com.ims.presence.registry;

/**
 * A gateway as the admin API shows it.
 *
 * @param gatewayId      the gateway
 * @param leaseExpiresAt epoch ms (presence-service's clock) when its connections expire unless it renews its lease
 * @param users          users with at least one connection on it
 * @param connections    connections on it
 */
public record GatewayView(String gatewayId, long leaseExpiresAt, int users, int connections) {
}
