package com.ims.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.devplatform.TestPlatform;
import com.ims.presence.registry.GatewayView;
import com.ims.presence.registry.PresenceRegistry;
import com.ims.presence.support.ApiClient;
import com.ims.presence.support.TopicProbe;
import com.ims.protocol.Json;
import com.ims.protocol.Topics;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.UserRoute;
import com.ims.protocol.internal.UserStatusChange;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A presence-service instance that starts after an earlier one published routes: it restores them from the compacted
 * routes topic before reporting UP, gives their gateways a fresh lease (here max(6 s default, 18 s max / 3) = 6 s), and
 * expires them when nobody renews it.
 * Its admin CIDRs exclude loopback, so the test also sees the address check refuse a valid admin token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ims.admin-allowed-cidrs=10.0.0.0/8",
        "ims.presence.default-lease=6s",
        "ims.presence.max-lease=18s"})
@ActiveProfiles("test")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PresenceRestartTest {

    static final String TENANT = "restart-" + UUID.randomUUID();
    static final String GATEWAY = "gw-before-restart-" + UUID.randomUUID();
    static final UserKey ALICE = new UserKey(TENANT, "alice");
    static final UserKey BOB = new UserKey(TENANT, "bob");

    /**
     * Runs while the context is being built, before the service starts: the routes an earlier instance left behind.
     * Bob went offline (tombstone after his route), alice is still online with two connections.
     */
    @DynamicPropertySource
    static void previousInstanceState(DynamicPropertyRegistry registry) {
        String bootstrap = TestPlatform.shared().kafkaBootstrap();
        registry.add("spring.kafka.bootstrap-servers", () -> bootstrap);
        registry.add("ims.presence.consumer-group", () -> "presence-test-restart");
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.PRESENCE_ROUTES, ALICE.encoded(), Json.toBytes(
                    new UserRoute(TENANT, "alice", Map.of(GATEWAY, List.of("c1", "c2")), now)))).get();
            producer.send(new ProducerRecord<>(Topics.PRESENCE_ROUTES, BOB.encoded(), Json.toBytes(
                    new UserRoute(TENANT, "bob", Map.of(GATEWAY, List.of("c3")), now)))).get();
            producer.send(new ProducerRecord<>(Topics.PRESENCE_ROUTES, BOB.encoded(), (byte[]) null)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    PresenceRegistry registry;

    @Test
    void restoresFromTheRoutesTopicBeforeUpThenExpiresGatewaysThatNeverRenew() {
        ApiClient api = new ApiClient(port);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get(null, "/actuator/health").status() == 200);
        long readyAt = System.currentTimeMillis();

        // Restored before UP: no awaiting here.
        UserRoute alice = registry.find(ALICE).orElseThrow();
        assertThat(alice.gateways().get(GATEWAY)).containsExactlyInAnyOrder("c1", "c2");
        assertThat(registry.find(BOB)).as("tombstoned user stays offline").isEmpty();
        GatewayView gateway = registry.gateways().stream().filter(g -> g.gatewayId().equals(GATEWAY)).findFirst().orElseThrow();
        assertThat(gateway.leaseExpiresAt()).as("a fresh lease of an unknown gateway").isBetween(readyAt, readyAt + 6_000);
        assertThat(gateway.connections()).isEqualTo(2);

        // The gateway never heartbeats: one default lease later alice is gone, with a tombstone and an offline status.
        String bootstrap = TestPlatform.shared().kafkaBootstrap();
        try (TopicProbe routes = new TopicProbe(bootstrap, Topics.PRESENCE_ROUTES);
             TopicProbe statuses = new TopicProbe(bootstrap, Topics.PRESENCE_STATUS)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(registry.find(ALICE)).isEmpty();
                assertThat(routes.records(ALICE.encoded()).getLast().value()).as("tombstone").isNull();
                assertThat(statuses.records(ALICE.encoded())).map(r -> Json.fromBytes(r.value(), UserStatusChange.class))
                        .singleElement().extracting(UserStatusChange::online).isEqualTo(false);
            });
        }
    }

    @Test
    void refusesAnAdminTokenFromAnAddressOutsideTheAdminCidrs() {
        ApiClient api = new ApiClient(port);
        ApiClient.Response response = api.presence(ApiClient.adminToken(TENANT), "alice", null);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("message").asString()).contains("address not allowed");
        assertThat(api.get(ApiClient.adminToken(TENANT), "/api/v1/presence/gateways").status()).isEqualTo(403);
        assertThat(api.get(null, "/actuator/health").status()).as("health stays open").isIn(200, 503);
    }
}
