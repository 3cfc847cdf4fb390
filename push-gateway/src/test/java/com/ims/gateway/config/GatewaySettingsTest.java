package com.ims.gateway.config;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.ims.gateway.demo.DemoTokenController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewaySettingsTest {

    private static GatewayProperties.Ws ws(String origins) {
        return ws(origins, GatewayProperties.Ws.Server.TOMCAT, false);
    }

    private static GatewayProperties.Ws ws(String origins, GatewayProperties.Ws.Server server, boolean reusePort) {
        return new GatewayProperties.Ws(origins, 65536, 20, 3, Duration.ofSeconds(5), 20, Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(5), 1000, server, 0, 30000,
                Duration.ofSeconds(30), reusePort);
    }

    @Test
    void reusePortNeedsNettyAndAnIdOfItsOwn() {
        assertThatThrownBy(() -> ws(null, GatewayProperties.Ws.Server.TOMCAT, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IMS_WS_SERVER=netty");
        GatewayProperties.Ws netty = ws(null, GatewayProperties.Ws.Server.NETTY, true);
        assertThatThrownBy(() -> new GatewayProperties(false, new GatewayProperties.Gateway(" ", null), null, netty,
                null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IMS_GATEWAY_ID");
        assertThat(new GatewayProperties(false, new GatewayProperties.Gateway("gw1-b", null), null, netty, null, null,
                null, null, null).ws().reusePort()).isTrue();
    }

    @Test
    void originsDefaultToAnyInDevModeAndToNoneOutsideIt() {
        assertThat(ws(null).originPatterns(true)).containsExactly("*");
        assertThat(ws("").originPatterns(false)).isEmpty();
        assertThat(ws(" https://a.example , https://*.b.example ").originPatterns(false))
                .containsExactly("https://a.example", "https://*.b.example");
    }

    @Test
    void gatewayIdIsSanitizedForTopicNames() {
        assertThat(GatewayIdentity.resolve("gw 1/α:prod", 8080).id()).isEqualTo("gw-1---prod");
        assertThat(GatewayIdentity.resolve("", 8080).id()).endsWith("-8080").matches("[A-Za-z0-9._-]+");
    }

    @Test
    void demoTokensAreNotFoundOutsideDevMode() {
        GatewayProperties production = new GatewayProperties(false, null, null, null, null, null, null, null, null);
        assertThat(new DemoTokenController(production).token("alice", null, null).getStatusCode().value())
                .isEqualTo(404);
    }
}
