package com.ims.presence.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lease of every gateway presence-service knows: its id and the instant (our clock) its connections expire unless
 * renewed. Mutated by the presence writer thread only; the map is concurrent so that the API and metrics can read it.
 */
public final class GatewayLeases {

    /** gateway id to expiry, epoch ms on this service's clock. */
    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final LeasePolicy policy;

    public GatewayLeases(LeasePolicy policy) {
        this.policy = policy;
    }

    /** HEARTBEAT and STARTED: the gateway said how long it lives. */
    public void renew(String gatewayId, long claimedLeaseMillis, long now) {
        expiries.put(gatewayId, policy.expiryFor(claimedLeaseMillis, now));
    }

    /**
     * Any other event of a gateway with no lease (and a restore) gives it the lease of an unknown gateway, so no
     * connection lives without an expiry and a live gateway is not expired before its next heartbeat (see
     * {@link LeasePolicy#unknownLeaseMillis()}). An existing lease is left alone: only the gateway's own renewals extend it.
     */
    public void ensure(String gatewayId, long now) {
        expiries.putIfAbsent(gatewayId, policy.unknownExpiry(now));
    }

    /** Forgets every lease (a restore replaces the whole state). */
    public void clear() {
        expiries.clear();
    }

    public void remove(String gatewayId) {
        expiries.remove(gatewayId);
    }

    /** Gateways whose lease ended at or before {@code now}. */
    public List<String> expired(long now) {
        List<String> out = new ArrayList<>();
        expiries.forEach((gateway, expiry) -> {
            if (expiry <= now) {
                out.add(gateway);
            }
        });
        return out;
    }

    /** Expiry of one gateway, or -1 when it holds no lease. */
    public long expiryOf(String gatewayId) {
        Long expiry = expiries.get(gatewayId);
        return expiry == null ? -1 : expiry;
    }

    public Map<String, Long> snapshot() {
        return Map.copyOf(expiries);
    }

    public int size() {
        return expiries.size();
    }
}
