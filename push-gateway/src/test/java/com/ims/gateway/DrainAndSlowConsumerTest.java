package com.ims.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.ims.devplatform.TestPlatform;
import com.ims.gateway.delivery.DeliveryListener;
import com.ims.gateway.presence.PresencePublisher;
import com.ims.gateway.session.ConnectionRegistry;
import com.ims.gateway.support.KafkaProbe;
import com.ims.gateway.support.WsTestClient;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.GatewayDelivery;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;
import com.ims.support.auth.Principal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A second gateway with a long heartbeat (a client that stops reading must hit the queue limit, not the pong deadline),
 * admin CIDRs limited to loopback, and a drain at the end (it ends this gateway, hence its own context).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ims.dev-mode=true",
        "ims.ws.heartbeat-interval=30s",
        "ims.ws.sync-timeout=200ms",
        "ims.outbound.max-frames=100",
        "ims.outbound.max-bytes=262144",
        "ims.outbound.send-timeout=2s",
        "ims.admin.allowed-cidrs=127.0.0.1/32,::1/128",
        "ims.admin.trusted-proxies=127.0.0.1/32,::1/128",
})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrainAndSlowConsumerTest {

    private static final String GATEWAY_ID = "drain-gw-" + UUID.randomUUID().toString().substring(0, 8);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    DeliveryListener deliveryListener;
    @Autowired
    ConnectionRegistry registry;
    @Autowired
    MeterRegistry meters;
    @Autowired
    PresencePublisher presence;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> TestPlatform.shared().kafkaBootstrap());
        registry.add("ims.gateway.id", () -> GATEWAY_ID);
    }

    @BeforeEach
    void ready() {
        await().atMost(Duration.ofSeconds(30)).until(deliveryListener::isAssigned);
    }

    private static String token(String user, String tenant) {
        return DevTokens.mint(JwtSettings.DEV_SECRET, user, List.of(), tenant, null, Duration.ofHours(1));
    }

    private double closes(int code) {
        var counter = meters.find("ims.gateway.closes").tag("code", String.valueOf(code)).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    @Order(1)
    void clientThatStopsReadingIsClosedWith4010AndOthersKeepReceiving() {
        String tenant = "slow-" + UUID.randomUUID();
        double before = closes(4010);
        String pad = "y".repeat(32 * 1024);
        try (KafkaProbe kafka = new KafkaProbe(TestPlatform.shared().kafkaBootstrap());
             WsTestClient slow = WsTestClient.connect(port, token("slow", tenant), java.util.Map.of(), false);
             WsTestClient reader = WsTestClient.connect(port, token("reader", tenant))) {
            reader.awaitType("connected");
            String slowId = registry.forUser(new com.ims.protocol.UserKey(tenant, "slow")).getFirst().clientId();
            // Up to ~25 MB: more than the socket buffers of both ends hold, then the 256 KB queue limit.
            for (int i = 0; i < 800 && registry.byClientId(slowId) != null; i++) {
                kafka.send(Topics.gateway(GATEWAY_ID), new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant,
                        List.of("slow"), false, null, null, false, 0,
                        "{\"type\":\"notification\",\"timestamp\":1,\"payload\":{\"pad\":\"" + pad + "\"}}"));
                if (i % 50 == 49) {
                    kafka.flush();
                }
            }
            kafka.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> registry.byClientId(slowId) == null);
            assertThat(closes(4010)).isGreaterThan(before);
            kafka.send(Topics.gateway(GATEWAY_ID), new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant,
                    List.of("reader"), false, null, null, false, 0,
                    "{\"type\":\"notification\",\"timestamp\":1,\"payload\":{\"text\":\"still here\"}}"));
            kafka.flush();
            reader.awaitFrame(f -> "still here".equals(f.path("payload").path("text").asString()));
            assertThat(reader.isOpen()).isTrue();
        }
    }

    @Test
    @Order(2)
    void adminCallFromOutsideTheAllowedAddressesIsRefusedBeforeAuthentication() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/admin/connections"))
                .header("X-Forwarded-For", "203.0.113.9").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(3)
    void drainClosesEveryConnectionWith1012PublishesStoppedAndRefusesNewOnes() throws Exception {
        String tenant = "drain-" + UUID.randomUUID();
        try (WsTestClient a = WsTestClient.connect(port, token("a", tenant));
             WsTestClient b = WsTestClient.connect(port, token("b", tenant))) {
            a.awaitType("connected");
            b.awaitType("connected");
            String admin = DevTokens.mint(JwtSettings.DEV_SECRET, "operator", List.of(), null, Principal.SCOPE_ADMIN,
                    Duration.ofMinutes(5));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/v1/admin/drain"))
                    .header("Authorization", "Bearer " + admin)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(a.awaitClose()).isEqualTo(1012);
            assertThat(b.awaitClose()).isEqualTo(1012);
            try (WsTestClient late = WsTestClient.connect(port, token("late", tenant))) {
                assertThat(late.awaitClose()).isEqualTo(1012);
            }
        }
        // Once the closes are through, a heartbeat marks the end of what the drain published (one outbox, one partition
        // per gateway: events arrive in the order they were sent).
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.size() == 0);
        presence.heartbeat();
        try (KafkaProbe kafka = new KafkaProbe(TestPlatform.shared().kafkaBootstrap())) {
            List<JsonNode> events = kafka.readUntil(Topics.PRESENCE_EVENTS, values -> values.stream().anyMatch(v ->
                    "HEARTBEAT".equals(v.path("kind").asString()) && GATEWAY_ID.equals(v.path("gatewayId").asString())
                            && values.stream().anyMatch(s -> "STOPPED".equals(s.path("kind").asString())
                            && GATEWAY_ID.equals(s.path("gatewayId").asString()))));
            List<String> drainKinds = events.stream()
                    .filter(v -> GATEWAY_ID.equals(v.path("gatewayId").asString()))
                    .map(v -> v.path("kind").asString())
                    .dropWhile(kind -> !"STOPPED".equals(kind))
                    .toList();
            assertThat(drainKinds).as("STOPPED stands for every connection the drain closed").doesNotContain("DISCONNECTED");
        }
    }
}
