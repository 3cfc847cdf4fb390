package com.ims.gateway;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import com.ims.gateway.support.GatewayTestBase;
import com.ims.gateway.support.WsTestClient;
import com.ims.support.auth.DevTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandshakeTest extends GatewayTestBase {

    @Test
    void missingTokenIsAcceptedThenClosedWith4001() {
        try (WsTestClient client = WsTestClient.connect(port, null)) {
            assertThat(client.awaitClose()).isEqualTo(4001);
            assertThat(client.ofType("connected")).isEmpty();
        }
    }

    @Test
    void malformedTokenIsClosedWith4001() {
        try (WsTestClient client = WsTestClient.connect(port, "not.a.jwt")) {
            assertThat(client.awaitClose()).isEqualTo(4001);
        }
    }

    @Test
    void tokenWithABadPercentEscapeIsClosedWith4001NotAServerError() throws Exception {
        // Raw socket: java.net.URI refuses these query strings, a hand-written client need not.
        for (String bad : List.of("abc%zz", "abc%", "%", "abc&other=%zz")) {
            assertThat(rawHandshakeCloseCode("/ws?token=" + bad)).as("token=%s", bad).isEqualTo(4001);
        }
        // A bad escape beside a good token: the connection is made.
        assertThat(rawHandshakeFirstFrame("/ws?other=%zz&token=" + token(unique("u"), unique("t")))).contains("\"connected\"");
    }

    private int rawHandshakeCloseCode(String target) throws Exception {
        byte[] close = rawHandshake(target, 8);
        return ((close[0] & 0xff) << 8) | (close[1] & 0xff);
    }

    private String rawHandshakeFirstFrame(String target) throws Exception {
        return new String(rawHandshake(target, 1), StandardCharsets.UTF_8);
    }

    /** Upgrades over a plain socket and returns the payload of the first frame the server sends, of the given opcode. */
    private byte[] rawHandshake(String target, int expectedOpcode) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            StringBuilder headers = new StringBuilder();
            while (!headers.toString().endsWith("\r\n\r\n")) {
                headers.append((char) in.readUnsignedByte());
            }
            assertThat(headers.toString()).startsWith("HTTP/1.1 101");
            int opcode = in.readUnsignedByte() & 0x0f;
            int length = in.readUnsignedByte() & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            assertThat(opcode).as("the first frame's opcode").isEqualTo(expectedOpcode);
            return payload;
        }
    }

    @Test
    void tokenSignedWithAnotherKeyIsClosedWith4001() {
        String forged = DevTokens.mint("another-secret-that-is-long-enough-0123456789", "mallory", List.of(), null, null,
                Duration.ofHours(1));
        try (WsTestClient client = WsTestClient.connect(port, forged)) {
            assertThat(client.awaitClose()).isEqualTo(4001);
        }
    }

    @Test
    void unsignedAlgNoneTokenIsClosedWith4001() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long exp = System.currentTimeMillis() / 1000 + 3600;
        String unsigned = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"mallory\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8)) + ".";
        try (WsTestClient client = WsTestClient.connect(port, unsigned)) {
            assertThat(client.awaitClose()).isEqualTo(4001);
        }
    }

    @Test
    void expiredTokenIsClosedWith4001() {
        String expired = DevTokens.mint(SECRET, "late", List.of(), null, null, Duration.ofMinutes(-5));
        try (WsTestClient client = WsTestClient.connect(port, expired)) {
            assertThat(client.awaitClose()).isEqualTo(4001);
        }
    }

    @Test
    void goodTokenGetsConnectedFrameWithIdentityAndHeartbeat() {
        String tenant = unique("t");
        try (WsTestClient client = WsTestClient.connect(port, token("alice", tenant))) {
            JsonNode connected = client.awaitType("connected");
            assertThat(client.frames.getFirst().path("type").asString()).isEqualTo("connected");
            JsonNode payload = connected.path("payload");
            assertThat(payload.path("clientId").asString()).hasSize(26);
            assertThat(payload.path("userId").asString()).isEqualTo("alice");
            assertThat(payload.path("tenant").asString()).isEqualTo(tenant);
            assertThat(payload.path("gatewayId").asString()).isEqualTo(GATEWAY_ID);
            assertThat(payload.path("heartbeat").path("interval").asLong()).isEqualTo(400);
            assertThat(payload.path("heartbeat").path("timeout").asLong()).isEqualTo(600);
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void tokenWithoutTenantClaimLandsInDefaultTenant() {
        try (WsTestClient client = WsTestClient.connect(port, token(unique("u"), null))) {
            assertThat(client.awaitType("connected").path("payload").path("tenant").asString()).isEqualTo("default");
        }
    }

    @Test
    void bearerHeaderTokenIsAccepted() {
        try (WsTestClient client = WsTestClient.connectWithHeader(port, token("bob", unique("t")))) {
            assertThat(client.awaitType("connected").path("payload").path("userId").asString()).isEqualTo("bob");
        }
    }

    @Test
    void browserHandshakeFromForeignOriginIsRefusedWith403BeforeUpgrade() {
        assertThatThrownBy(() -> WsTestClient.tryConnect(port, Map.of("Origin", "http://evil.example")).join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
    }

    @Test
    void allowedOriginAndHandshakeWithoutOriginBothPass() {
        String tenant = unique("t");
        try (WsTestClient withOrigin = WsTestClient.connect(port, token("carol", tenant),
                Map.of("Origin", "http://allowed.example"), true);
             WsTestClient withoutOrigin = WsTestClient.connect(port, token("carol", tenant))) {
            withOrigin.awaitType("connected");
            withoutOrigin.awaitType("connected");
        }
    }
}
