package com.ims.notification.config;

import com.ims.support.auth.JwtSettings;
import com.ims.support.net.CidrAllowlist;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every {@code ims.*} setting of notification-service; application.yml maps each one to an {@code IMS_*} variable and
 * documents its default.
 *
 * @param devMode        {@code IMS_DEV_MODE}: dev-only JWT secret allowed, admin API open to all addresses, CORS for the demo
 * @param jwt            token verification
 * @param network        address allowlists
 * @param kafka          topic settings and consumer concurrency
 * @param producerApi    limits of {@code POST /api/v1/notifications}
 * @param delivery       routing, redelivery, expiry and replay
 * @param roles          the role-membership cache
 */
@ConfigurationProperties("ims")
public record NotificationProperties(
        boolean devMode,
        Jwt jwt,
        Network network,
        Kafka kafka,
        ProducerApi producerApi,
        Delivery delivery,
        Roles roles) {

    public NotificationProperties {
        jwt = jwt == null ? new Jwt(null, null, null, null) : jwt;
        network = network == null ? new Network(null, null, null) : network;
        kafka = kafka == null ? new Kafka((short) 1, 3, Duration.ofSeconds(10), Duration.ofMillis(600), Duration.ofMillis(5)) : kafka;
        producerApi = producerApi == null ? new ProducerApi(200, 512 * 1024, 10_000) : producerApi;
        delivery = delivery == null ? new Delivery(5_000, null, null, null, null, 1_000, null, 10_000) : delivery;
        roles = roles == null ? new Roles(0, null) : roles;
    }

    public JwtSettings jwtSettings() {
        return new JwtSettings(jwt.secret(), jwt.jwksUri(), jwt.issuer(), jwt.audience(), devMode);
    }

    /** Admin APIs: every address in dev mode, loopback only otherwise, unless configured. */
    public CidrAllowlist adminAllowlist() {
        return CidrAllowlist.parse(network.adminAllowedCidrs(),
                devMode ? CidrAllowlist.all() : CidrAllowlist.parse("127.0.0.0/8,::1", CidrAllowlist.none()));
    }

    public CidrAllowlist producerAllowlist() {
        return CidrAllowlist.parse(network.producerAllowedCidrs(), CidrAllowlist.all());
    }

    public CidrAllowlist trustedProxies() {
        return CidrAllowlist.parse(network.trustedProxies(), CidrAllowlist.none());
    }

    /** @param secret HS256 key; @param jwksUri JWK Set for RS256/ES256; @param issuer required iss; @param audience required aud */
    public record Jwt(String secret, String jwksUri, String issuer, String audience) {
    }

    /**
     * @param adminAllowedCidrs    {@code IMS_ADMIN_ALLOWED_CIDRS}
     * @param producerAllowedCidrs {@code IMS_PRODUCER_ALLOWED_CIDRS}
     * @param trustedProxies       {@code IMS_TRUSTED_PROXIES}: whose X-Forwarded-For is believed
     */
    public record Network(String adminAllowedCidrs, String producerAllowedCidrs, String trustedProxies) {
    }

    /**
     * @param replication       replication factor of the topics this service declares
     * @param ingestConcurrency consumer threads of the ingest listener (at most the partition count is useful)
     * @param sendTimeout       how long a REST call waits for the broker's ack before answering 503
     * @param receiptsBatchWait how long a receipts poll waits for receipts to gather on the broker (default 600 ms):
     *                          a fan-out group is then rewritten once for the acks of about three gateway flushes
     *                          instead of once per flush; statuses show DELIVERED and ACKED up to that much later
     * @param producerLinger    how long the producer lets a batch gather before sending it ({@code linger.ms}, default
     *                          5 ms, Kafka 4's own default): the producer API's accepts and the routing of every
     *                          delivery wait this long, and in exchange the broker, ingest and the store handle a few
     *                          records per request instead of one (a fifth less CPU per message at 1,000/s here)
     */
    public record Kafka(short replication, int ingestConcurrency, Duration sendTimeout, Duration receiptsBatchWait,
                        Duration producerLinger) {
        public Kafka {
            replication = replication <= 0 ? 1 : replication;
            ingestConcurrency = ingestConcurrency <= 0 ? 3 : ingestConcurrency;
            sendTimeout = sendTimeout == null ? Duration.ofSeconds(10) : sendTimeout;
            receiptsBatchWait = receiptsBatchWait == null ? Duration.ofMillis(600) : receiptsBatchWait;
            producerLinger = producerLinger == null ? Duration.ofMillis(5) : producerLinger;
        }
    }

    /**
     * @param rateLimit       requests per second per producer ({@code sub}); a burst of the same size
     * @param maxBodyBytes    largest accepted request body; larger ones get 413
     * @param maxProducers    producers whose rate limiters are kept at once (least recently used ones are dropped)
     */
    public record ProducerApi(int rateLimit, int maxBodyBytes, int maxProducers) {
        public ProducerApi {
            rateLimit = rateLimit <= 0 ? 200 : rateLimit;
            maxBodyBytes = maxBodyBytes <= 0 ? 512 * 1024 : maxBodyBytes;
            maxProducers = maxProducers <= 0 ? 10_000 : maxProducers;
        }
    }

    /**
     * @param chunkSize          user ids per GatewayDelivery record
     * @param redeliveryAfter    first re-send of an unacknowledged delivery after this long; doubles per attempt
     * @param maxBackoff         longest pause between two re-sends
     * @param sweepInterval      period of the one redelivery/expiry sweeper
     * @param retention          how long messages and deliveries are kept (TTL index on real MongoDB, sweeper elsewhere)
     * @param sweepBatch         deliveries re-sent per sweep at most (the rest wait for the next sweep)
     * @param retentionInterval  period of the retention purge
     * @param replayLimit        open deliveries replayed on one connect at most; the rest follow through redelivery
     */
    public record Delivery(int chunkSize, Duration redeliveryAfter, Duration maxBackoff, Duration sweepInterval,
                           Duration retention, int sweepBatch, Duration retentionInterval, int replayLimit) {
        public Delivery {
            chunkSize = chunkSize <= 0 ? 5_000 : chunkSize;
            redeliveryAfter = redeliveryAfter == null ? Duration.ofSeconds(30) : redeliveryAfter;
            maxBackoff = maxBackoff == null ? Duration.ofMinutes(10) : maxBackoff;
            sweepInterval = sweepInterval == null ? Duration.ofSeconds(5) : sweepInterval;
            retention = retention == null ? Duration.ofDays(30) : retention;
            sweepBatch = sweepBatch <= 0 ? 1_000 : sweepBatch;
            retentionInterval = retentionInterval == null ? Duration.ofHours(1) : retentionInterval;
            replayLimit = replayLimit <= 0 ? 10_000 : replayLimit;
        }
    }

    /**
     * Role member lists are cached and checked against a per-tenant version on every use (RoleDirectory).
     *
     * @param cacheMembers member ids held in the cache over all roles; a role larger than this is read every time
     * @param cacheMaxAge  a cached list is read again after this even if no change was recorded (edits made to the
     *                     store directly, or a change whose version increment failed)
     */
    public record Roles(int cacheMembers, Duration cacheMaxAge) {
        public Roles {
            cacheMembers = cacheMembers <= 0 ? 200_000 : cacheMembers;
            cacheMaxAge = cacheMaxAge == null ? Duration.ofSeconds(60) : cacheMaxAge;
        }
    }
}
