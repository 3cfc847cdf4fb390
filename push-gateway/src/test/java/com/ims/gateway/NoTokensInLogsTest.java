package com.ims.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;

import com.ims.gateway.netty.NettyServer;
import com.ims.gateway.support.GatewayTestBase;
import com.ims.gateway.support.WsTestClient;
import com.ims.support.auth.DevTokens;

import static org.assertj.core.api.Assertions.assertThat;

class NoTokensInLogsTest extends GatewayTestBase {

    /** Present when the suite runs on the Netty server (IMS_WS_SERVER=netty), which logs no request at all. */
    @Autowired
    ObjectProvider<NettyServer> netty;

    @Test
    void noTokenTextAppearsInAnyLogEvenAtDebugOrWebSocketTrace() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<String> debugLoggers = List.of("org.springframework.web", "org.springframework.security",
                "com.ims.gateway", "org.apache.tomcat.websocket", "org.springframework.web.socket", "io.netty");
        List<Level> previous = new ArrayList<>();
        debugLoggers.forEach(name -> previous.add(context.getLogger(name).getLevel()));
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        root.addAppender(appender);
        debugLoggers.forEach(name -> context.getLogger(name).setLevel(Level.DEBUG));
        // TRACE: the handshake handler logs every request header there (an Authorization: Bearer header included).
        context.getLogger("org.springframework.web.socket").setLevel(Level.TRACE);

        String tenant = unique("t");
        String good = token("logger", tenant);
        String header = token("logger2", tenant);
        String expired = DevTokens.mint(SECRET, "old", List.of(), tenant, null, Duration.ofMinutes(-5));
        String forged = DevTokens.mint("another-secret-that-is-long-enough-0123456789", "x", List.of(), null, null,
                Duration.ofHours(1));
        try {
            try (WsTestClient client = WsTestClient.connect(port, good)) {
                client.awaitType("connected");
                client.send("{\"type\":\"nope\",\"payload\":{}}");
                client.awaitType("error");
            }
            try (WsTestClient client = WsTestClient.connectWithHeader(port, header)) {
                client.awaitType("connected");
            }
            try (WsTestClient client = WsTestClient.connect(port, expired)) {
                client.awaitClose();
            }
            try (WsTestClient client = WsTestClient.connect(port, forged)) {
                client.awaitClose();
            }
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/v1/admin/connections"))
                    .header("Authorization", "Bearer " + forged).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            root.detachAppender(appender);
            for (int i = 0; i < debugLoggers.size(); i++) {
                context.getLogger(debugLoggers.get(i)).setLevel(previous.get(i));
            }
        }
        List<String> lines = appender.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
        // The debug logs did run, so the absence below means something.
        assertThat(lines).as("the gateway's own debug log ran").anyMatch(l -> l.contains("connected clientId="));
        if (netty.getIfAvailable() == null) {
            // Tomcat: Spring logged the request, and its handshake handler every header (at TRACE).
            assertThat(lines).anyMatch(l -> l.contains("/ws"));
            assertThat(lines).as("the handshake's TRACE header log ran").anyMatch(l -> l.contains("with headers="));
        }
        for (String token : List.of(good, header, expired, forged)) {
            String signature = token.substring(token.lastIndexOf('.') + 1);
            assertThat(lines).noneMatch(l -> l.contains(signature));
            assertThat(lines).noneMatch(l -> l.contains(token.substring(0, token.indexOf('.') + 20)));
        }
    }
}
