package com.ims.presence.lease;

import java.time.Duration;

/**
 * Turns a lease a gateway claims into an expiry instant on presence-service's clock.
 *
 * @implNote Expiry is {@code receivedAt + leaseMillis} on this service's clock, not the gateway's {@code at}: gateway
 *     clocks may be skewed, and a gateway a minute behind would otherwise expire the moment its heartbeat lands (or one a
 *     minute ahead would live a minute too long). The price is that consumer lag lengthens a lease by the lag; after a
 *     catch-up the extra life is bounded by one lease, because the next sweep sees no renewal.
 *
 * @implNote A gateway whose lease is unknown (restored at start, or first seen through a connection event) gets
 *     {@link #unknownLeaseMillis()}: at least a third of the longest lease, because a gateway heartbeats every third of
 *     the lease it claims, so a live one is heard from within that time whatever it claimed. The default alone would
 *     expire a gateway that claims more than three defaults before its next heartbeat. No slack on top is needed: leases
 *     expire against the intake clock, which cannot pass the heartbeat's arrival without having applied it.
 *
 * @param defaultLeaseMillis lease of a gateway that claims none (zero or less); the least lease of an unknown gateway
 * @param maxLeaseMillis     the longest lease a gateway may claim
 */
public record LeasePolicy(long defaultLeaseMillis, long maxLeaseMillis) {

    public LeasePolicy {
        if (defaultLeaseMillis <= 0 || maxLeaseMillis < defaultLeaseMillis) {
            throw new IllegalArgumentException("need 0 < default lease <= max lease");
        }
    }

    public static LeasePolicy of(Duration defaultLease, Duration maxLease) {
        return new LeasePolicy(defaultLease.toMillis(), maxLease.toMillis());
    }

    /** A claimed lease of zero or less (an older gateway, a bad value) gets the default; a huge one is capped. */
    public long expiryFor(long claimedLeaseMillis, long receivedAt) {
        long lease = claimedLeaseMillis <= 0 ? defaultLeaseMillis : Math.min(claimedLeaseMillis, maxLeaseMillis);
        return receivedAt + lease;
    }

    /** Lease of a gateway whose claimed lease is unknown: the default, or a third of the longest lease if that is more. */
    public long unknownLeaseMillis() {
        return Math.max(defaultLeaseMillis, maxLeaseMillis / 3);
    }

    public long unknownExpiry(long now) {
        return now + unknownLeaseMillis();
    }
}
