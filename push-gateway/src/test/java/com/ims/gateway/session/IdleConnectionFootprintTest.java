package com.ims.gateway.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import com.ims.gateway.support.GatewayTestBase;
import com.ims.gateway.support.WsTestClient;
import com.ims.protocol.UserKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * What an idle connection keeps (docs/services/push-gateway.md, "Idle memory per connection"): no copy of the handshake
 * headers in Spring's session or in Tomcat's upgrade handler, shared tenant and role lists, and still every behaviour: it
 * stays open through heartbeats. (That pongs alone make no rate limiter is InboundRulesTest's: the heartbeat here is
 * shorter than the limiter's period.)
 */
class IdleConnectionFootprintTest extends GatewayTestBase {

    @Autowired
    ConnectionRegistry registry;

    @Test
    void idleConnectionKeepsNoHandshakeCopiesAndStaysAliveThroughHeartbeats() {
        String tenant = unique("t");
        String bulky = "x".repeat(2000);
        try (WsTestClient client = WsTestClient.connect(port, token("idle", tenant, List.of("agent", "viewer")),
                Map.of("X-Bulky-Header", bulky), true)) {
            client.awaitType("connected");
            Connection connection = registry.forUser(new UserKey(tenant, "idle")).getFirst();

            assumeTrue(connection.socket() instanceof SpringSessionSocket, "Tomcat's handshake copies (the Netty server "
                    + "keeps none: NettyServerTest.anUpgradedChannelKeepsOnlyTheWebSocketHandlers)");
            WebSocketSession session = ((SpringSessionSocket) connection.socket()).session();
            assertThat(session.getHandshakeHeaders().isEmpty()).isTrue();
            assertThat(session.getAttributes()).doesNotContainKey("ims.auth");
            Object nativeSession = ((NativeWebSocketSession) session).getNativeSession();
            // The tests run on Tomcat, whose layout HandshakeRelease knows; released within a few sweeps (50 ms here).
            assertThat(HandshakeRelease.supported()).isTrue();
            assertThat(EncodedTextSender.supported()).as("frames written from their one encoding").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.FALSE.equals(HandshakeRelease.held(nativeSession)));

            // Heartbeats every 400 ms: several pings answered and the connection stays.
            int pings = client.ofType("ping").size();
            await().atMost(Duration.ofSeconds(5)).until(() -> client.ofType("ping").size() >= pings + 3);
            assertThat(client.isOpen()).isTrue();
            assertThat(connection.isClosed()).isFalse();
            assertThat(connection.principal().roles()).containsExactly("agent", "viewer");
            assertThat(connection.principal().tenant()).isSameAs(tenant.intern());
        }
    }

    @Test
    void connectionsWithTheSameRolesShareOneRoleList() {
        String tenant = unique("t");
        try (WsTestClient a = WsTestClient.connect(port, token("ra", tenant, List.of("ops", "lead")));
             WsTestClient b = WsTestClient.connect(port, token("rb", tenant, List.of("ops", "lead")))) {
            a.awaitType("connected");
            b.awaitType("connected");
            List<String> rolesA = registry.forUser(new UserKey(tenant, "ra")).getFirst().principal().roles();
            List<String> rolesB = registry.forUser(new UserKey(tenant, "rb")).getFirst().principal().roles();
            assertThat(rolesA).containsExactly("ops", "lead").isSameAs(rolesB);
        }
    }
}
