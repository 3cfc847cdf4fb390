package com.ims.notification;

import static org.awaitility.Awaitility.await;

import com.ims.protocol.Json;
import com.ims.protocol.internal.GatewayDelivery;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import com.ims.notification.config.NotificationProperties;
import java.time.Clock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.core.MongoTemplate;
import com.ims.notification.routing.GatewayRouter;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.routing.RouteTable;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import com.ims.protocol.UserKey;
import tools.jackson.databind.JsonNode;

/**
 * One Spring context for every test class (same configuration, so Spring's cache reuses it), wired to the JVM's shared
 * Kafka broker and Mongo-wire store. Tests keep apart by unique tenants, users and gateways.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ims.dev-mode=true",
        "ims.producer-api.rate-limit=50",
        "ims.delivery.redelivery-after=5s",
        "ims.delivery.sweep-interval=300ms",
})
@ActiveProfiles("test")
@Import(ServiceTestBase.TestBeans.class)
public abstract class ServiceTestBase {

    /** Beans every service test shares (one context for all classes, as above). */
    @TestConfiguration
    static class TestBeans {
        @Bean
        @Primary
        FaultyRoleDirectory faultyRoleDirectory(MongoTemplate mongo, NotificationProperties properties, Clock clock) {
            FaultyRoleDirectory roles = new FaultyRoleDirectory(mongo.getCollection("role_members"),
                    mongo.getCollection("role_versions"), properties.roles().cacheMembers(),
                    properties.roles().cacheMaxAge(), clock);
            roles.ensureIndexes();
            return roles;
        }
    }

    static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    RouteTable routeTable;

    /** In the shared base, so that every class keeps one context: tests make role lookups of one tenant throw. */
    @Autowired
    FaultyRoleDirectory roles;

    /** Spies too (same reason): a test checks the order in which a role message's groups are stored and routed. */
    @MockitoSpyBean
    DeliveryStore deliveryStore;

    @MockitoSpyBean
    GatewayRouter gatewayRouter;

    @DynamicPropertySource
    static void platform(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", Fixtures.PLATFORM::kafkaBootstrap);
        registry.add("spring.mongodb.uri", () -> Fixtures.PLATFORM.mongoUri("ims-notification-test"));
    }

    @org.junit.jupiter.api.BeforeEach
    void useSharedPlatform() {
        Fixtures.bootstrap = Fixtures.PLATFORM.kafkaBootstrap();
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    String publisher(String tenant) {
        return Fixtures.token("svc-" + Fixtures.uid(), tenant, "ims:publish");
    }

    String admin(String tenant) {
        return Fixtures.token("ops-" + Fixtures.uid(), tenant, "ims:admin");
    }

    HttpResponse<String> post(String token, String body) {
        return Fixtures.http("POST", url("/api/v1/notifications"), token, body);
    }

    /** Publishes the route and waits until this instance's route table has it, so routing sees the user online. */
    void online(String tenant, String userId, String... gateways) {
        Fixtures.online(tenant, userId, gateways);
        await().atMost(WAIT).until(() -> routeTable.gatewaysOf(new UserKey(tenant, userId)).size() == gateways.length);
    }

    void offline(String tenant, String userId) {
        Fixtures.offline(tenant, userId);
        await().atMost(WAIT).until(() -> !routeTable.isOnline(new UserKey(tenant, userId)));
    }

    static JsonNode frame(GatewayDelivery d) {
        return Json.tree(d.frame());
    }

    JsonNode status(String tenant, String id) {
        HttpResponse<String> r = Fixtures.http("GET", url("/api/v1/notifications/" + id + "?tenant=" + tenant), admin(tenant), null);
        return r.statusCode() == 200 ? Fixtures.json(r) : null;
    }

    String recipientStatus(String tenant, String id, String userId) {
        HttpResponse<String> r = Fixtures.http("GET",
                url("/api/v1/notifications/" + id + "/recipients/" + userId + "?tenant=" + tenant), admin(tenant), null);
        return r.statusCode() == 200 ? Fixtures.json(r).get("status").stringValue() : "HTTP " + r.statusCode();
    }
}
