package com.ims.presence.config;

import com.ims.support.auth.JwtSettings;
import com.ims.support.net.CidrAllowlist;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every setting of presence-service ({@code ims.*} in application.yml, each read from an env var with a default).
 *
 * @param devMode            {@code IMS_DEV_MODE}: allows the dev-only JWT secret and opens admin APIs to all addresses
 * @param jwt                token verification ({@code IMS_JWT_*})
 * @param adminAllowedCidrs  {@code IMS_ADMIN_ALLOWED_CIDRS}: who may call the presence API; blank = loopback only
 *                           (all addresses in dev mode)
 * @param trustedProxies     {@code IMS_TRUSTED_PROXIES}: proxies whose X-Forwarded-For is believed
 * @param kafka              topic settings
 * @param presence           lease and restore settings
 */
@ConfigurationProperties(prefix = "ims")
public record PresenceProperties(
        @DefaultValue("false") boolean devMode,
        @DefaultValue Jwt jwt,
        String adminAllowedCidrs,
        String trustedProxies,
        @DefaultValue Kafka kafka,
        @DefaultValue Presence presence) {

    /** Loopback only: the safe default for admin APIs outside dev mode. */
    static final String LOOPBACK = "127.0.0.0/8,::1";

    public record Jwt(String secret, String jwksUri, String issuer, String audience) {
    }

    /** @param replication replication factor of the shared topics this service registers */
    public record Kafka(@DefaultValue("1") short replication) {
    }

    /**
     * @param defaultLease   lease of a gateway that claims none; a gateway whose lease is unknown (first seen through a
     *                       connection event, or restored from the routes topic at start) gets the larger of this and a
     *                       third of {@code maxLease}, since it heartbeats every third of whatever it claimed
     * @param maxLease       upper bound on a lease a gateway may claim, so a bad value cannot keep dead entries for ever
     * @param sweepInterval  how often expired leases are looked for; expiry is at most this late
     * @param consumerGroup  consumer group of the presence events
     * @param restoreTimeout how long one attempt to read the routes topic may take before it is retried
     */
    public record Presence(
            @DefaultValue("15s") Duration defaultLease,
            @DefaultValue("60s") Duration maxLease,
            @DefaultValue("1s") Duration sweepInterval,
            @DefaultValue("ims-presence") String consumerGroup,
            @DefaultValue("2m") Duration restoreTimeout) {
    }

    public JwtSettings jwtSettings() {
        return new JwtSettings(jwt.secret(), jwt.jwksUri(), jwt.issuer(), jwt.audience(), devMode);
    }

    public CidrAllowlist adminAllowlist() {
        return CidrAllowlist.parse(adminAllowedCidrs,
                devMode ? CidrAllowlist.all() : CidrAllowlist.parse(LOOPBACK, CidrAllowlist.none()));
    }

    public CidrAllowlist trustedProxyList() {
        return CidrAllowlist.parse(trustedProxies, CidrAllowlist.none());
    }
}
