package com.ims.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.presence.support.ApiClient;
import com.ims.presence.support.GatewaySimulator;
import com.ims.presence.support.TopicProbe;
import com.ims.protocol.Topics;
import com.ims.protocol.UserKey;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import tools.jackson.databind.JsonNode;

/**
 * The main scenario against the real {@code apache/kafka} image. Skipped where Docker is unavailable (as on the build
 * machine this was written on): {@code disabledWithoutDocker} turns the missing Docker daemon into a skip, not a failure.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PresenceOnContainersTest {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::getBootstrapServers);
    }

    @LocalServerPort
    int port;

    @Test
    void connectThenDisconnectFlipsPresenceAndTombstonesTheRoute() {
        ApiClient api = new ApiClient(port);
        String tenant = "tc-" + UUID.randomUUID();
        String admin = ApiClient.adminToken(tenant);
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get(null, "/actuator/health").status() == 200);
        try (GatewaySimulator gateway = new GatewaySimulator(KAFKA.getBootstrapServers());
             TopicProbe routes = new TopicProbe(KAFKA.getBootstrapServers(), Topics.PRESENCE_ROUTES)) {
            gateway.started("gw-tc", 60_000);
            gateway.connected("gw-tc", tenant, "alice", "c1");
            await().untilAsserted(() -> {
                JsonNode body = api.presence(admin, "alice", null).json();
                assertThat(body.get("online").asBoolean()).isTrue();
                assertThat(body.get("gateways").get(0).asString()).isEqualTo("gw-tc");
            });
            gateway.disconnected("gw-tc", tenant, "alice", "c1");
            await().untilAsserted(() -> assertThat(api.presence(admin, "alice", null).json().get("online").asBoolean()).isFalse());
            await().untilAsserted(() -> assertThat(routes.records(new UserKey(tenant, "alice").encoded()).getLast().value()).isNull());
        }
    }
}
