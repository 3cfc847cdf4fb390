package com.ims.gateway.config;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

import com.ims.gateway.auth.TokenAuthenticator;
import com.ims.gateway.auth.TokenQueryMaskingFilter;
import com.ims.gateway.auth.WsHandshakeInterceptor;
import com.ims.gateway.session.GatewayWebSocketHandler;

/**
 * {@code /ws}: the raw WebSocket handler (no STOMP), the Origin check (403 before the upgrade for a browser from another
 * Origin; a handshake without Origin passes) and token authentication. Not governed by the CIDR allowlists.
 *
 * @implNote The Jakarta WebSocket upgrade ({@link StandardWebSocketUpgradeStrategy}, as {@link LeanUpgradeStrategy}: the
 *     same steps without the per-session copies of the handshake) on every container, also on Jetty
 *     (whose default in Spring is its native API): one set of container settings ({@link ContainerConfig}: small buffers,
 *     no container idle timeout) then applies to Tomcat and Jetty alike, and the two measure like for like.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class WebSocketConfig implements WebSocketConfigurer {

    /** The WebSocket endpoint (CONTRACT section 4). */
    public static final String PATH = "/ws";

    private static final Logger log = LoggerFactory.getLogger(WebSocketConfig.class);

    private final GatewayWebSocketHandler handler;
    private final TokenAuthenticator authenticator;
    private final GatewayProperties properties;

    public WebSocketConfig(GatewayWebSocketHandler handler, TokenAuthenticator authenticator,
                           GatewayProperties properties) {
        this.handler = handler;
        this.authenticator = authenticator;
        this.properties = properties;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        List<String> origins = properties.ws().originPatterns(properties.devMode());
        if (origins.isEmpty()) {
            log.warn("IMS_ALLOWED_ORIGINS is not set and dev mode is off: browser handshakes from other origins are "
                    + "refused (403); only clients without an Origin header (and same-origin pages) can connect");
        } else {
            log.info("allowed WebSocket origins={}", origins);
        }
        registry.addHandler(handler, PATH)
                .setHandshakeHandler(new DefaultHandshakeHandler(new LeanUpgradeStrategy()))
                .addInterceptors(new WsHandshakeInterceptor(authenticator))
                .setAllowedOriginPatterns(origins.toArray(String[]::new));
    }

    /** Before everything else, so no later filter or log ever sees a query token. */
    @Bean
    FilterRegistrationBean<TokenQueryMaskingFilter> tokenQueryMaskingFilter() {
        FilterRegistrationBean<TokenQueryMaskingFilter> bean = new FilterRegistrationBean<>(new TokenQueryMaskingFilter());
        bean.addUrlPatterns("/ws", "/ws/*");
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }
}
