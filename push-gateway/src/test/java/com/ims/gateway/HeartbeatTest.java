package com.ims.gateway;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.ims.gateway.support.GatewayTestBase;
import com.ims.gateway.support.WsTestClient;
import com.ims.support.auth.DevTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Test config: ping every 400 ms, pong deadline 600 ms, one sweeper every 50 ms. */
class HeartbeatTest extends GatewayTestBase {

    @Test
    void connectionAnsweringPingsStaysOpen() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), unique("t")))) {
            client.awaitType("connected");
            // Four pings span more than two pong deadlines: without the pongs the connection would be gone.
            await().atMost(Duration.ofSeconds(5)).until(() -> client.ofType("ping").size() >= 4);
            assertThat(client.isOpen()).isTrue();
            assertThat(client.ofType("ping").getFirst().path("timestamp").asLong()).isPositive();
        }
    }

    @Test
    void silentConnectionIsClosedWith4002() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), unique("t"))).silent()) {
            client.awaitType("connected");
            assertThat(client.awaitClose()).isEqualTo(4002);
            assertThat(client.ofType("ping")).isNotEmpty();
        }
    }

    @Test
    void clientPingIsAnsweredWithPong() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), unique("t")))) {
            client.awaitType("connected");
            client.send("{\"type\":\"ping\",\"timestamp\":5,\"payload\":{}}");
            client.awaitType("pong");
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void tokenExpiringDuringTheSessionClosesWith4003() {
        String shortLived = DevTokens.mint(SECRET, unique("u"), List.of(), unique("t"), null, Duration.ofSeconds(2));
        try (WsTestClient client = WsTestClient.connect(port, shortLived)) {
            client.awaitType("connected");
            assertThat(client.awaitClose()).isEqualTo(4003);
        }
    }
}
