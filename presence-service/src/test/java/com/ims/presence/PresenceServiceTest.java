package com.ims.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.devplatform.TestPlatform;
import com.ims.presence.ingest.PresenceEventListener;
import com.ims.presence.registry.PresenceMetrics;
import com.ims.presence.restore.PresenceStartup;
import com.ims.presence.support.ApiClient;
import com.ims.presence.support.GatewaySimulator;
import com.ims.presence.support.TopicProbe;
import com.ims.protocol.Json;
import com.ims.protocol.Topics;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.PresenceEvent;
import com.ims.protocol.internal.UserRoute;
import com.ims.protocol.internal.UserStatusChange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * presence-service end to end on a real Kafka broker: gateway events in, presence API, routes and status topics out.
 * Tests keep apart by unique tenants, users and gateways.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PresenceServiceTest {

    /** The test profile's max-lease: gateways claiming it outlive every test. */
    private static final Duration LONG_LEASE = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> TestPlatform.shared().kafkaBootstrap());
        // Its own group: another test context in this JVM must not take this one's partitions.
        registry.add("ims.presence.consumer-group", () -> "presence-test-main");
    }

    static GatewaySimulator gateways;
    static TopicProbe routes;
    static TopicProbe statuses;

    @LocalServerPort
    int port;
    @Autowired
    PresenceStartup startup;
    @Autowired
    PresenceMetrics metrics;
    @Autowired
    KafkaListenerEndpointRegistry listeners;

    ApiClient api;
    String tenant;
    String admin;

    @BeforeAll
    static void connectProbes() {
        String bootstrap = TestPlatform.shared().kafkaBootstrap();
        gateways = new GatewaySimulator(bootstrap);
        routes = new TopicProbe(bootstrap, Topics.PRESENCE_ROUTES);
        statuses = new TopicProbe(bootstrap, Topics.PRESENCE_STATUS);
    }

    @AfterAll
    static void closeProbes() {
        gateways.close();
        routes.close();
        statuses.close();
    }

    @BeforeEach
    void ready() {
        api = new ApiClient(port);
        tenant = "t-" + UUID.randomUUID();
        admin = ApiClient.adminToken(tenant);
        await().atMost(Duration.ofSeconds(30)).until(startup::isReady);
    }

    @Test
    void connectedEventsMakeTheUserOnlineWithItsConnectionsAndGateway() {
        String gw = gateway();
        gateways.started(gw, LONG_LEASE.toMillis());
        gateways.connected(gw, tenant, "alice", "c1");
        gateways.connected(gw, tenant, "alice", "c2");

        await().untilAsserted(() -> {
            JsonNode body = api.presence(admin, "alice", null).json();
            assertThat(body.get("online").asBoolean()).isTrue();
            assertThat(body.get("connections").asInt()).isEqualTo(2);
            assertThat(body.get("tenant").asString()).isEqualTo(tenant);
            assertThat(body.get("userId").asString()).isEqualTo("alice");
            assertThat(body.get("gateways").get(0).asString()).isEqualTo(gw);
            assertThat(body.get("gateways").size()).isEqualTo(1);
        });
        String key = new UserKey(tenant, "alice").encoded();
        await().untilAsserted(() -> {
            UserRoute route = lastRoute(key);
            assertThat(route).isNotNull();
            assertThat(route.gateways().get(gw)).containsExactlyInAnyOrder("c1", "c2");
        });
        await().untilAsserted(() -> assertThat(statusFlips(key)).containsExactly(true));
    }

    @Test
    void lastDisconnectTakesTheUserOfflineWithATombstoneAndAStatusChange() {
        String gw = gateway();
        String key = new UserKey(tenant, "bob").encoded();
        gateways.started(gw, LONG_LEASE.toMillis());
        gateways.connected(gw, tenant, "bob", "c1");
        gateways.connected(gw, tenant, "bob", "c2");
        gateways.disconnected(gw, tenant, "bob", "c1");
        await().untilAsserted(() -> assertThat(api.presence(admin, "bob", null).json().get("connections").asInt()).isEqualTo(1));

        gateways.disconnected(gw, tenant, "bob", "c2");

        await().untilAsserted(() -> {
            JsonNode body = api.presence(admin, "bob", null).json();
            assertThat(body.get("online").asBoolean()).isFalse();
            assertThat(body.get("connections").asInt()).isZero();
            assertThat(body.get("gateways").size()).isZero();
        });
        await().untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> records = routes.records(key);
            assertThat(records).isNotEmpty();
            assertThat(records.getLast().value()).as("tombstone").isNull();
        });
        await().untilAsserted(() -> assertThat(statusFlips(key)).containsExactly(true, false));
    }

    @Test
    void gatewayWhoseLeaseLapsesLosesAllItsUsersAndTheyGoOffline() {
        String gw = gateway();
        double expiriesBefore = metrics.leaseExpiries();
        gateways.started(gw, 800);
        gateways.connected(gw, tenant, "u1", "c1");
        gateways.connected(gw, tenant, "u2", "c2");
        String k1 = new UserKey(tenant, "u1").encoded();
        String k2 = new UserKey(tenant, "u2").encoded();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(statusFlips(k1)).containsExactly(true, false);
            assertThat(statusFlips(k2)).containsExactly(true, false);
        });
        assertThat(api.presence(admin, "u1", null).json().get("online").asBoolean()).isFalse();
        assertThat(api.presence(admin, "u2", null).json().get("online").asBoolean()).isFalse();
        await().untilAsserted(() -> assertThat(routes.records(k1).getLast().value()).as("tombstone").isNull());
        assertThat(metrics.leaseExpiries()).isGreaterThan(expiriesBefore);
        assertThat(api.get(admin, "/api/v1/presence/gateways").body()).doesNotContain(gw);
    }

    @Test
    void noGatewayExpiresWhileEventIntakeStallsAndItsQueuedHeartbeatKeepsItsUsersOnline() {
        String gw = gateway();
        long shortLease = 3_000;
        String key = new UserKey(tenant, "ivy").encoded();
        gateways.started(gw, shortLease);
        gateways.connected(gw, tenant, "ivy", "c1");
        await().untilAsserted(() -> assertThat(statusFlips(key)).containsExactly(true));

        MessageListenerContainer events = listeners.getListenerContainer(PresenceEventListener.ID);
        events.pause();
        try {
            await().until(events::isContainerPaused);
            // The gateway is alive and heartbeats, but its heartbeat waits in the topic: intake is stalled.
            gateways.send(PresenceEvent.heartbeat(gw, System.currentTimeMillis(), LONG_LEASE.toMillis()));
            await().during(Duration.ofMillis(shortLease + 1_000)).atMost(Duration.ofMillis(shortLease + 5_000))
                    .untilAsserted(() -> assertThat(api.presence(admin, "ivy", null).json().get("online").asBoolean())
                            .as("not expired by the wall clock while no event can be read").isTrue());
        } finally {
            events.resume();
        }

        long resumedAt = System.currentTimeMillis();
        await().untilAsserted(() -> assertThat(gatewayEntry(gw).get("leaseExpiresAt").asLong())
                .isGreaterThanOrEqualTo(resumedAt + LONG_LEASE.toMillis() - 1_000));
        assertThat(api.presence(admin, "ivy", null).json().get("online").asBoolean()).isTrue();
        assertThat(statusFlips(key)).as("never flipped offline").containsExactly(true);
    }

    @Test
    void connectionOnAGatewayThatNeverSentALeaseExpiresAfterTheLeaseOfAnUnknownGateway() {
        String gw = gateway();
        long sent = System.currentTimeMillis();
        gateways.connected(gw, tenant, "carol", "c1");
        String key = new UserKey(tenant, "carol").encoded();

        await().untilAsserted(() -> assertThat(api.get(admin, "/api/v1/presence/gateways").body()).contains(gw));
        await().atMost(Duration.ofSeconds(25)).untilAsserted(() -> assertThat(statusFlips(key)).containsExactly(true, false));
        // The test profile gives an unknown gateway max(2 s default, 30 s max / 3) = 10 s: not much before that.
        assertThat(System.currentTimeMillis() - sent).isGreaterThanOrEqualTo(9_500);
        assertThat(api.presence(admin, "carol", null).json().get("online").asBoolean()).isFalse();
    }

    @Test
    void startedDropsTheStaleConnectionsOfARestartedGatewayOnly() {
        String restarted = gateway();
        String other = gateway();
        gateways.started(restarted, LONG_LEASE.toMillis());
        gateways.started(other, LONG_LEASE.toMillis());
        gateways.connected(restarted, tenant, "dave", "c1");
        gateways.connected(other, tenant, "dave", "c9");
        gateways.connected(restarted, tenant, "erin", "c2");
        await().untilAsserted(() -> assertThat(api.presence(admin, "dave", null).json().get("connections").asInt()).isEqualTo(2));
        await().untilAsserted(() -> assertThat(api.presence(admin, "erin", null).json().get("online").asBoolean()).isTrue());

        gateways.started(restarted, LONG_LEASE.toMillis());

        await().untilAsserted(() -> {
            JsonNode dave = api.presence(admin, "dave", null).json();
            assertThat(dave.get("connections").asInt()).isEqualTo(1);
            assertThat(dave.get("gateways").get(0).asString()).isEqualTo(other);
            assertThat(api.presence(admin, "erin", null).json().get("online").asBoolean()).isFalse();
        });
        await().untilAsserted(() -> assertThat(statusFlips(new UserKey(tenant, "dave").encoded())).containsExactly(true));
    }

    @Test
    void replayedEventsChangeNothing() {
        String gw = gateway();
        String key = new UserKey(tenant, "frank").encoded();
        PresenceEvent connect = PresenceEvent.connected(gw, tenant, "frank", "c1", List.of(), System.currentTimeMillis());
        gateways.started(gw, LONG_LEASE.toMillis());
        gateways.send(connect, connect, connect);
        gateways.disconnected(gw, tenant, "frank", "never-connected");
        // A later event of the same gateway (same partition): once it shows, every event before it was applied.
        gateways.connected(gw, tenant, "marker", "m1");
        String markerKey = new UserKey(tenant, "marker").encoded();
        await().untilAsserted(() -> assertThat(routes.records(markerKey)).hasSize(1));

        assertThat(api.presence(admin, "frank", null).json().get("connections").asInt()).isEqualTo(1);
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(routes.records(key)).hasSize(1));
        await().untilAsserted(() -> assertThat(statusFlips(key)).containsExactly(true));
    }

    @Test
    void malformedRecordsAreSkippedAndTheStreamGoesOn() {
        String gw = gateway();
        gateways.started(gw, LONG_LEASE.toMillis());
        gateways.raw(gw, "not json".getBytes(StandardCharsets.UTF_8));
        gateways.raw(gw, "{\"kind\":\"CONNECTED\",\"gatewayId\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        gateways.send(PresenceEvent.connected(gw, tenant, "bad\u001fuser", "c0", List.of(), System.currentTimeMillis()));
        gateways.raw(gw, null);
        gateways.connected(gw, tenant, "grace", "c1");

        await().untilAsserted(() -> assertThat(api.presence(admin, "grace", null).json().get("online").asBoolean()).isTrue());
        assertThat(api.get(admin, "/actuator/prometheus").body())
                .containsPattern("ims_presence_events_malformed_total\\{[^}]*\\} [4-9]");
    }

    @Test
    void sameUserIdInTwoTenantsNeverMeets() {
        String tenantB = tenant + "-b";
        String gw = gateway();
        gateways.started(gw, LONG_LEASE.toMillis());
        gateways.connected(gw, tenant, "u1", "c1");
        gateways.connected(gw, tenantB, "u1", "c2");
        gateways.connected(gw, tenantB, "u1", "c3");
        await().untilAsserted(() -> assertThat(api.presence(admin, "u1", tenantB).json().get("connections").asInt()).isEqualTo(2));
        assertThat(api.presence(admin, "u1", null).json().get("connections").asInt()).isEqualTo(1);

        gateways.disconnected(gw, tenant, "u1", "c1");

        await().untilAsserted(() -> assertThat(api.presence(admin, "u1", tenant).json().get("online").asBoolean()).isFalse());
        JsonNode other = api.presence(admin, "u1", tenantB).json();
        assertThat(other.get("online").asBoolean()).isTrue();
        assertThat(other.get("tenant").asString()).isEqualTo(tenantB);
        await().untilAsserted(() -> assertThat(statusFlips(new UserKey(tenantB, "u1").encoded())).containsExactly(true));
    }

    @Test
    void gatewaysEndpointListsLeaseExpiryAndConnectionCounts() {
        String gw = gateway();
        long before = System.currentTimeMillis();
        gateways.started(gw, LONG_LEASE.toMillis());
        gateways.connected(gw, tenant, "h1", "c1");
        gateways.connected(gw, tenant, "h1", "c2");
        gateways.connected(gw, tenant, "h2", "c3");

        await().untilAsserted(() -> {
            JsonNode entry = gatewayEntry(gw);
            assertThat(entry).isNotNull();
            assertThat(entry.get("users").asInt()).isEqualTo(2);
            assertThat(entry.get("connections").asInt()).isEqualTo(3);
            assertThat(entry.get("leaseExpiresAt").asLong()).isGreaterThanOrEqualTo(before + LONG_LEASE.toMillis());
        });
    }

    @Test
    void presenceApiAnswers401WithoutOrWithABadToken() {
        ApiClient.Response none = api.presence(null, "alice", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asString()).isEqualTo("unauthorized");
        assertThat(api.presence("not.a.token", "alice", null).status()).isEqualTo(401);
        String forged = ApiClient.adminToken(tenant);
        assertThat(api.presence(forged.substring(0, forged.length() - 4) + "AAAA", "alice", null).status()).isEqualTo(401);
    }

    @Test
    void presenceApiAnswers403ToAUserTokenWithoutAdminScope() {
        ApiClient.Response response = api.presence(ApiClient.userToken(tenant, "alice"), "alice", null);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("error").asString()).isEqualTo("forbidden");
        assertThat(api.get(ApiClient.userToken(tenant, "alice"), "/api/v1/presence/gateways").status()).isEqualTo(403);
    }

    @Test
    void healthAndPrometheusAreOpenAndReportPresenceFigures() {
        ApiClient.Response health = api.get(null, "/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        assertThat(api.get(null, "/actuator/health/readiness").json().get("status").asString()).isEqualTo("UP");
        String metricsText = api.get(null, "/actuator/prometheus").body();
        assertThat(metricsText).contains("ims_presence_online_users", "ims_presence_connections",
                "ims_presence_gateways", "ims_presence_lease_expiries_total");
    }

    private JsonNode gatewayEntry(String gatewayId) {
        for (JsonNode g : api.get(admin, "/api/v1/presence/gateways").json().get("gateways")) {
            if (gatewayId.equals(g.get("gatewayId").asString())) {
                return g;
            }
        }
        return null;
    }

    private static String gateway() {
        return "gw-" + UUID.randomUUID();
    }

    private static UserRoute lastRoute(String key) {
        List<ConsumerRecord<String, byte[]>> records = routes.records(key);
        if (records.isEmpty() || records.getLast().value() == null) {
            return null;
        }
        return Json.fromBytes(records.getLast().value(), UserRoute.class);
    }

    private static List<Boolean> statusFlips(String key) {
        return statuses.records(key).stream()
                .map(r -> Json.fromBytes(r.value(), UserStatusChange.class).online())
                .toList();
    }
}
