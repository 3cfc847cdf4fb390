package com.ims.gateway;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import com.ims.gateway.delivery.DeliveryListener;
import com.ims.gateway.support.KafkaProbe;
import com.ims.gateway.support.WsTestClient;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.GatewayDelivery;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;

import static org.awaitility.Awaitility.await;

/** The basic push path against the real {@code apache/kafka} image; skipped where Docker is missing (as here). */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "ims.dev-mode=true")
class TestcontainersPushTest {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");
    static final String GATEWAY_ID = "tc-gw-" + UUID.randomUUID().toString().substring(0, 8);

    @LocalServerPort
    int port;
    @Autowired
    DeliveryListener listener;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::getBootstrapServers);
        registry.add("ims.gateway.id", () -> GATEWAY_ID);
    }

    @Test
    void pushRecordReachesTheUsersSocket() {
        await().atMost(Duration.ofSeconds(60)).until(listener::isAssigned);
        String token = DevTokens.mint(JwtSettings.DEV_SECRET, "u", List.of(), "tc", null, Duration.ofMinutes(5));
        try (KafkaProbe kafka = new KafkaProbe(KAFKA.getBootstrapServers());
             WsTestClient client = WsTestClient.connect(port, token)) {
            client.awaitType("connected");
            kafka.send(Topics.gateway(GATEWAY_ID), new GatewayDelivery(GatewayDelivery.Kind.PUSH, "tc", List.of("u"),
                    false, null, null, false, 0, "{\"type\":\"notification\",\"timestamp\":1,\"payload\":{\"n\":1}}"));
            kafka.flush();
            client.awaitType("notification");
        }
    }
}
