package com.ims.gateway;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.ims.gateway.support.GatewayTestBase;
import com.ims.gateway.support.WsTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ClientFramesTest extends GatewayTestBase {

    private static boolean hasError(WsTestClient client, String code) {
        return client.ofType("error").stream().anyMatch(f -> code.equals(f.path("payload").path("code").asString()));
    }

    @Test
    void malformedFramesGetBadMessageAndTheConnectionStaysOpen() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), unique("t")))) {
            client.awaitType("connected");
            client.send("this is not json");
            client.send("[1,2,3]");
            client.send("{\"type\":\"ack\"}");
            await().until(() -> client.ofType("error").size() >= 3);
            assertThat(client.ofType("error")).allSatisfy(f ->
                    assertThat(f.path("payload").path("code").asString()).isEqualTo("BAD_MESSAGE"));
            client.send("{\"type\":\"ping\",\"payload\":{}}");
            client.awaitType("pong");
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void unknownTypeGetsUnknownTypeAndTheConnectionStaysOpen() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), unique("t")))) {
            client.awaitType("connected");
            client.send("{\"type\":\"subscribe\",\"payload\":{}}");
            await().until(() -> hasError(client, "UNKNOWN_TYPE"));
            client.send("{\"type\":\"ping\",\"payload\":{}}");
            client.awaitType("pong");
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void frameJustUnderTheLimitIsReadWhole() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), unique("t")))) {
            client.awaitType("connected");
            // 60 KB: many times the container's receive buffer, so it arrives in parts and is joined.
            String big = "{\"type\":\"ping\",\"payload\":{\"pad\":\"" + "x".repeat(60_000) + "\"}}";
            client.send(big);
            client.awaitType("pong");
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void frameOverTheLimitClosesWith1009() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), unique("t")))) {
            client.awaitType("connected");
            client.sendTheServerMayCut("{\"type\":\"ping\",\"payload\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}");
            assertThat(client.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void flooderIsRateLimitedThenClosedWith4008WhileAPoliteNeighbourIsUntouched() {
        String tenant = unique("t");
        try (WsTestClient flooder = WsTestClient.connect(port, token("flooder", tenant));
             WsTestClient polite = WsTestClient.connect(port, token("polite", tenant))) {
            flooder.awaitType("connected");
            polite.awaitType("connected");
            int politeSent = 0;
            // 20 frames/s allowed; more than 60 refused within 5 s closes. The polite client sends 5 per second.
            for (int i = 0; i < 200 && flooder.isOpen(); i++) {
                try {
                    flooder.send("{\"type\":\"ping\",\"payload\":{}}");
                } catch (RuntimeException closed) {
                    break;
                }
                if (i % 40 == 0) {
                    polite.send("{\"type\":\"ping\",\"payload\":{}}");
                    politeSent++;
                }
            }
            assertThat(flooder.awaitClose()).isEqualTo(4008);
            assertThat(hasError(flooder, "RATE_LIMITED")).isTrue();
            int expected = politeSent;
            await().atMost(Duration.ofSeconds(5)).until(() -> polite.ofType("pong").size() == expected);
            assertThat(polite.ofType("error")).isEmpty();
            assertThat(polite.isOpen()).isTrue();
        }
    }

    @Test
    void unsolicitedPongFramesAreIgnoredAndCostNoRateBudget() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), unique("t")))) {
            client.awaitType("connected");
            // More pongs than the burst of 20: were they counted, the ping below would be refused.
            for (int i = 0; i < 30; i++) {
                client.sendPong();
            }
            client.send("{\"type\":\"ping\",\"payload\":{}}");
            client.awaitType("pong");
            // The server answers in order, so an error for any pong would have arrived before this pong.
            assertThat(client.ofType("error")).isEmpty();
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void binaryFrameGetsBadMessageAndTheConnectionStaysOpen() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), unique("t")))) {
            client.awaitType("connected");
            client.sendBinary(new byte[100]);
            await().until(() -> hasError(client, "BAD_MESSAGE"));
            client.send("{\"type\":\"ping\",\"payload\":{}}");
            client.awaitType("pong");
            assertThat(client.ofType("error")).hasSize(1);
        }
    }

    @Test
    void binaryMessageOverTheLimitClosesWith1009() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), unique("t")))) {
            client.awaitType("connected");
            // Arrives in parts of the container's 32-byte binary buffer; their sum passes the 64 KB limit.
            client.sendBinaryTheServerMayCut(new byte[70_000]);
            assertThat(client.awaitClose()).isEqualTo(1009);
            assertThat(client.ofType("error")).isEmpty();
        }
    }

    @Test
    void binaryFlooderIsRateLimitedThenClosedWith4008() {
        try (WsTestClient flooder = WsTestClient.connect(port, token(unique("u"), unique("t")))) {
            flooder.awaitType("connected");
            for (int i = 0; i < 200 && flooder.isOpen(); i++) {
                try {
                    flooder.sendBinary(new byte[8]);
                } catch (RuntimeException closed) {
                    break;
                }
            }
            assertThat(flooder.awaitClose()).isEqualTo(4008);
            assertThat(hasError(flooder, "RATE_LIMITED")).isTrue();
        }
    }
}
