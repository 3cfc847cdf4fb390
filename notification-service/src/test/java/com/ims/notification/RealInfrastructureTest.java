package com.ims.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.notification.Fixtures.GatewaySim;
import com.ims.notification.routing.RouteTable;
import com.ims.notification.store.DeliveryStatus;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.Keys;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.GatewayDelivery;
import com.ims.protocol.internal.ReceiptBatch;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;
import tools.jackson.databind.JsonNode;

/**
 * The key scenarios against the real {@code mongo} and Kafka images: real secondary and TTL indexes, real write
 * semantics. Skipped (JUnit says "Docker is not available") on machines without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ims.dev-mode=true",
        "ims.delivery.redelivery-after=2s",
        "ims.delivery.sweep-interval=300ms",
})
@ActiveProfiles("test")
class RealInfrastructureTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

    @Container
    static final MongoDBContainer MONGO = new MongoDBContainer("mongo:8.0");

    @Autowired
    RouteTable routes;

    @Autowired
    DeliveryStore store;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::getBootstrapServers);
        registry.add("spring.mongodb.uri", () -> MONGO.getReplicaSetUrl("ims"));
    }

    @BeforeEach
    void useContainers() {
        Fixtures.bootstrap = KAFKA.getBootstrapServers();
    }

    @Test
    void seedRecordReachesTheUsersGateway() {
        try (GatewaySim gateway = GatewaySim.create()) {
            Fixtures.online("default", "u1", gateway.id);
            await().atMost(WAIT).until(() -> routes.isOnline(new UserKey("default", "u1")));
            Fixtures.sendNotification("default", "{\"targetType\":\"user\",\"target\":\"u1\",\"payload\":{\"text\":\"hi\"}}");
            await().atMost(WAIT).until(() -> !gateway.pushes().isEmpty());
            assertThat(gateway.pushes().getFirst().userIds()).containsExactly("u1");
        }
    }

    @Test
    void offlineUserIsReplayedInOrderOnceAndExpiredOnesAreNot() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            for (String id : List.of("a", "b", "a")) {
                Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                        + "\",\"id\":\"" + id + "\",\"payload\":{}}");
            }
            Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                    + "\",\"id\":\"short\",\"ttlSeconds\":1,\"payload\":{}}");
            String shortKey = Keys.delivery(Keys.message(tenant, "short"), "u");
            await().atMost(WAIT).until(() -> store.status(shortKey).orElse(null) == DeliveryStatus.EXPIRED);
            assertThat(store.openDeliveries(tenant, "u", 100)).hasSize(2);

            Fixtures.connected(gateway.id, tenant, "u", "c1", List.of());
            await().atMost(WAIT).until(() -> gateway.replayDone("c1"));
            assertThat(gateway.replayed("c1").stream().map(GatewayDelivery::messageId)).containsExactly("a", "b");

            Fixtures.receipts(gateway.id, ReceiptBatch.Kind.ACKED, tenant, "u", List.of("a", "b"));
            await().atMost(WAIT).until(() -> store.openDeliveries(tenant, "u", 100).isEmpty());
            Fixtures.connected(gateway.id, tenant, "u", "c2", List.of());
            await().atMost(WAIT).until(() -> gateway.replayDone("c2"));
            assertThat(gateway.replayed("c2")).isEmpty();
        }
    }

    /** The inbox's queries (status $in/$or with null expiry, count, seq paging) on real MongoDB's index. */
    @Test
    void inboxListsPagesCountsAndAcksTheUsersOwnNotificationsIncludingMissedBroadcasts() {
        String tenant = "t-" + Fixtures.uid();
        for (String id : List.of("m1", "m2", "m3")) {
            Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                    + "\",\"id\":\"" + id + "\",\"payload\":{\"n\":\"" + id + "\"}}");
        }
        Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"v\",\"tenant\":\"" + tenant
                + "\",\"id\":\"v1\",\"payload\":{}}");
        Fixtures.sendNotification(tenant, "{\"targetType\":\"all\",\"tenant\":\"" + tenant + "\",\"id\":\"b1\",\"payload\":{}}");
        String u = Fixtures.token("u", tenant, null);
        String v = Fixtures.token("v", tenant, null);
        // Deliveries are written after their batch's messages: wait for the inboxes, not for the broadcast's message.
        await().atMost(WAIT).until(() -> inboxIds(u, "").size() == 4 && inboxIds(v, "").size() == 2);

        assertThat(inboxIds(u, "")).containsExactly("b1", "m3", "m2", "m1");
        JsonNode first = inbox(u, "?limit=2");
        assertThat(idsOf(first)).containsExactly("b1", "m3");
        assertThat(idsOf(inbox(u, "?limit=2&before=" + first.get("next").stringValue()))).containsExactly("m2", "m1");
        assertThat(unread(u)).isEqualTo(4);

        HttpResponse<String> ack = Fixtures.http("POST", url("/api/v1/inbox/ack"), u, "{\"ids\":[\"m1\",\"b1\",\"v1\"]}");
        assertThat(Fixtures.json(ack).get("acked").asLong()).isEqualTo(2);
        assertThat(unread(u)).isEqualTo(2);
        assertThat(inboxIds(u, "?status=ACKED")).containsExactly("b1", "m1");
        assertThat(inboxIds(u, "?status=PENDING")).containsExactly("m3", "m2");
        assertThat(unread(v)).as("v's own and the broadcast, whatever u acked").isEqualTo(2);
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private JsonNode inbox(String token, String query) {
        HttpResponse<String> r = Fixtures.http("GET", url("/api/v1/inbox" + query), token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Fixtures.json(r);
    }

    private List<String> inboxIds(String token, String query) {
        return idsOf(inbox(token, query));
    }

    private static List<String> idsOf(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("items").forEach(item -> out.add(item.get("id").stringValue()));
        return out;
    }

    private long unread(String token) {
        return Fixtures.json(Fixtures.http("GET", url("/api/v1/inbox/unread-count"), token, null)).get("unread").asLong();
    }
}
