package com.ims.gateway.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import com.ims.support.auth.JwtSettings;

/**
 * Every setting of the gateway ({@code ims.*} in application.yml, each from an env var). Defaults here match the yml so
 * that a test or a bench that binds nothing still gets the documented values.
 */
@ConfigurationProperties("ims")
public record GatewayProperties(
        @DefaultValue("false") boolean devMode,
        @DefaultValue Gateway gateway,
        @DefaultValue Jwt jwt,
        @DefaultValue Ws ws,
        @DefaultValue Outbound outbound,
        @DefaultValue Receipts receipts,
        @DefaultValue Kafka kafka,
        @DefaultValue Admin admin,
        @DefaultValue Demo demo) {

    public GatewayProperties {
        if (ws != null && ws.reusePort() && (gateway == null || gateway.id() == null || gateway.id().isBlank())) {
            // The derived id (host and port) would be the same for both processes on the port: one topic and one
            // consumer group for two gateways, each then missing the deliveries the other took.
            throw new IllegalArgumentException("IMS_WS_REUSE_PORT=true needs IMS_GATEWAY_ID, different for each "
                    + "process on the port (e.g. alternate gw1-a and gw1-b)");
        }
    }

    /** @param id blank = derived from host and port; @param lease presence lease, renewed every lease/3 */
    public record Gateway(String id, @DefaultValue("15s") Duration lease) {
    }

    public record Jwt(String secret, String jwksUri, String issuer, String audience) {
    }

    public record Ws(
            String allowedOrigins,
            @DefaultValue("65536") int maxFrameBytes,
            @DefaultValue("20") int rateLimit,
            @DefaultValue("3") int floodFactor,
            @DefaultValue("5s") Duration floodWindow,
            @DefaultValue("20") int maxConnectionsPerUser,
            @DefaultValue("30s") Duration heartbeatInterval,
            @DefaultValue("10s") Duration heartbeatTimeout,
            @DefaultValue("1s") Duration sweepPeriod,
            @DefaultValue("5s") Duration syncTimeout,
            @DefaultValue("1000") int maxHeldDeliveries,
            @DefaultValue("tomcat") Server server,
            @DefaultValue("0") int ioThreads,
            @DefaultValue("30000") int maxConnections,
            @DefaultValue("30s") Duration httpIdleTimeout,
            @DefaultValue("false") boolean reusePort) {

        public Ws {
            if (reusePort && server != Server.NETTY) {
                // Tomcat binds its port without SO_REUSEPORT: the second process would fail to start, the first
                // would keep its listener through the drain.
                throw new IllegalArgumentException("IMS_WS_REUSE_PORT=true needs IMS_WS_SERVER=netty");
            }
        }

        /** Which WebSocket server serves the gateway's port (IMS_WS_SERVER); see docs/services/push-gateway.md. */
        public enum Server { TOMCAT, NETTY }

        /** Netty's event loop threads: {@code ioThreads}, or one per core when 0. */
        public int eventLoops() {
            return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
        }

        /** Origin patterns; blank means {@code *} in dev mode and none outside it (only Origin-less handshakes pass). */
        public List<String> originPatterns(boolean devMode) {
            if (allowedOrigins == null || allowedOrigins.isBlank()) {
                return devMode ? List.of("*") : List.of();
            }
            return Arrays.stream(allowedOrigins.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    public record Outbound(
            @DefaultValue("1000") int maxFrames,
            @DefaultValue("1048576") long maxBytes,
            @DefaultValue("8") int writerThreads,
            @DefaultValue("5s") Duration sendTimeout) {
    }

    public record Receipts(@DefaultValue("200ms") Duration flushInterval, @DefaultValue("2000") int maxBatch) {
    }

    public record Kafka(@DefaultValue("1") short replication) {
    }

    public record Admin(String allowedCidrs, String trustedProxies) {
    }

    public record Demo(@DefaultValue("http://localhost:8081") String notificationUrl) {
    }

    public JwtSettings jwtSettings() {
        return new JwtSettings(jwt.secret(), jwt.jwksUri(), jwt.issuer(), jwt.audience(), devMode);
    }
}
