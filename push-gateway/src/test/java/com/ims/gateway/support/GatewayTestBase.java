package com.ims.gateway.support;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.ims.devplatform.TestPlatform;
import com.ims.gateway.config.GatewayIdentity;
import com.ims.gateway.delivery.DeliveryListener;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.GatewayDelivery;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;

import static org.awaitility.Awaitility.await;

/**
 * One gateway (random port, real Kafka of {@link TestPlatform}) shared by the socket test classes that extend this; tests
 * keep apart by unique tenants and users. Heartbeats are short so that timeouts show within a second.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ims.dev-mode=true",
        "ims.ws.allowed-origins=http://allowed.example",
        "ims.ws.heartbeat-interval=400ms",
        "ims.ws.heartbeat-timeout=600ms",
        "ims.ws.sweep-period=50ms",
        "ims.ws.sync-timeout=1500ms",
        "ims.ws.max-connections-per-user=3",
        "ims.ws.max-frame-bytes=65536",
        "ims.ws.rate-limit=20",
        "ims.outbound.max-frames=200",
        "ims.outbound.max-bytes=262144",
        "ims.outbound.send-timeout=3s",
        "ims.gateway.lease=3s",
})
public abstract class GatewayTestBase {

    public static final String SECRET = JwtSettings.DEV_SECRET;
    protected static final String GATEWAY_ID = "test-gw-" + UUID.randomUUID().toString().substring(0, 8);
    private static KafkaProbe probe;

    @LocalServerPort
    protected int port;

    @Autowired
    protected DeliveryListener deliveryListener;

    @Autowired
    protected GatewayIdentity identity;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> TestPlatform.shared().kafkaBootstrap());
        registry.add("ims.gateway.id", () -> GATEWAY_ID);
    }

    @BeforeEach
    void gatewayReady() {
        await().atMost(Duration.ofSeconds(30)).until(deliveryListener::isAssigned);
    }

    protected static synchronized KafkaProbe kafka() {
        if (probe == null) {
            probe = new KafkaProbe(TestPlatform.shared().kafkaBootstrap());
        }
        return probe;
    }

    @AfterAll
    static void closeProbe() {
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static String token(String userId, String tenant, List<String> roles) {
        return DevTokens.mint(SECRET, userId, roles, tenant, null, Duration.ofHours(1));
    }

    protected static String token(String userId, String tenant) {
        return token(userId, tenant, List.of());
    }

    protected String gatewayTopic() {
        return Topics.gateway(identity.id());
    }

    protected void push(GatewayDelivery delivery) {
        kafka().send(gatewayTopic(), delivery);
        kafka().flush();
    }

    protected static GatewayDelivery toUsers(String tenant, List<String> users, String messageId, String frame) {
        return new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant, users, false, null, messageId, false, 0, frame);
    }

    protected static String frame(String type, String id, String text) {
        return "{\"type\":\"" + type + "\"" + (id == null ? "" : ",\"id\":\"" + id + "\"")
                + ",\"timestamp\":1,\"payload\":{\"text\":\"" + text + "\"}}";
    }
}
