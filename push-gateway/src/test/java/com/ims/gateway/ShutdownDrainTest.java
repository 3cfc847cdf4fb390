package com.ims.gateway;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.ims.devplatform.TestPlatform;
import com.ims.gateway.delivery.DeliveryListener;
import com.ims.gateway.support.KafkaProbe;
import com.ims.gateway.support.WsTestClient;
import com.ims.protocol.Topics;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM runs Spring's shutdown hook, which closes the context: the drain must run before anything stops. The gateway
 * here is started and closed by the test itself (not the test context cache), as a process would be.
 */
class ShutdownDrainTest {

    private static final String GATEWAY_ID = "stop-gw-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shutdownClosesConnectionsWith1012AndPublishesStoppedBeforeTheProducerCloses() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(PushGatewayApplication.class)
                .run("--server.port=0", "--ims.dev-mode=true", "--ims.gateway.id=" + GATEWAY_ID,
                        "--spring.kafka.bootstrap-servers=" + TestPlatform.shared().kafkaBootstrap());
        try {
            DeliveryListener listener = context.getBean(DeliveryListener.class);
            await().atMost(Duration.ofSeconds(30)).until(listener::isAssigned);
            // The port the gateway serves on, on either WebSocket server (Netty publishes its own there).
            int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            String token = DevTokens.mint(JwtSettings.DEV_SECRET, "u", List.of(), "stop-" + GATEWAY_ID, null,
                    Duration.ofMinutes(5));
            try (WsTestClient client = WsTestClient.connect(port, token)) {
                client.awaitType("connected");
                context.close();
                assertThat(client.awaitClose()).isEqualTo(1012);
            }
        } finally {
            context.close();
        }
        try (KafkaProbe kafka = new KafkaProbe(TestPlatform.shared().kafkaBootstrap())) {
            assertThat(kafka.readUntil(Topics.PRESENCE_EVENTS, values -> values.stream().anyMatch(v ->
                    "STOPPED".equals(v.path("kind").asString()) && GATEWAY_ID.equals(v.path("gatewayId").asString()))))
                    .isNotEmpty();
        }
    }
}
