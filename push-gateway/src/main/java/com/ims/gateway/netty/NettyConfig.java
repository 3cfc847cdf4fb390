package com.ims.gateway.netty;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

import com.ims.gateway.auth.TokenAuthenticator;
import com.ims.gateway.config.GatewayProperties;
import com.ims.gateway.config.WebSocketConfig;
import com.ims.gateway.session.ConnectionFactory;
import com.ims.gateway.session.SocketEvents;

/**
 * IMS_WS_SERVER=netty: the Netty server takes the gateway's port ({@code server.port}, its address and TLS bundle), and
 * the servlet container moves to a random loopback port behind it, plain HTTP, reachable only through the relay.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "ims.ws.server", havingValue = "netty")
public class NettyConfig {

    /** Handshakes waiting for token verification; more get 503 (a storm's clients retry with backoff). */
    static final int VERIFY_QUEUE = 10_000;
    /** Where Spring Boot publishes the ports a web server listens on. */
    static final String SERVER_PORTS = "server.ports";
    static final String LOCAL_PORT = "local.server.port";

    @Bean
    FrontPeer frontPeer() {
        return new FrontPeer();
    }

    /** First of all filters: a request is refused or gets its client's address before anything reads it. */
    @Bean
    FilterRegistrationBean<FrontPeer.Filter> frontPeerFilter(FrontPeer peer) {
        FilterRegistrationBean<FrontPeer.Filter> bean = new FilterRegistrationBean<>(peer.filter());
        bean.addUrlPatterns("/*");
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }

    /** Last of the customizers, so that it overrides what {@code server.*} set: loopback, any free port, no TLS. */
    @Bean
    WebServerFactoryCustomizer<ConfigurableWebServerFactory> containerBehindNetty() {
        return new BehindNetty();
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService tokenVerifiers() {
        return new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(VERIFY_QUEUE),
                new DefaultThreadFactory("ws-verify", true));
    }

    @Bean
    NettyServer nettyServer(GatewayProperties properties, SocketEvents events, ConnectionFactory factory,
                            TokenAuthenticator authenticator, ExecutorService tokenVerifiers, FrontPeer peer,
                            WebServerApplicationContext context, SslBundles bundles,
                            @Value("${server.port:8080}") int port,
                            @Value("${server.address:#{null}}") InetAddress address,
                            @Value("${server.ssl.bundle:}") String bundle, ConfigurableEnvironment environment)
            throws SSLException {
        GatewayProperties.Ws ws = properties.ws();
        requireBundleForTls(environment, bundle);
        SslContext ssl = bundle.isBlank() || !environment.getProperty("server.ssl.enabled", Boolean.class, true) ? null
                : SslContextBuilder.forServer(bundles.getBundle(bundle).getManagers().getKeyManagerFactory()).build();
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(ws.maxFrameBytes())
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .withUTF8Validator(true)
                .build();
        Transport transport = Transport.best();
        OriginPolicy origins = new OriginPolicy(ws.originPatterns(properties.devMode()));
        long closeWait = properties.outbound().sendTimeout().toMillis();
        NettyEdge edge = new NettyEdge(events, factory, authenticator, tokenVerifiers, origins, decoder,
                "ws://localhost" + WebSocketConfig.PATH, ws.maxFrameBytes(), closeWait, ssl != null, peer, transport,
                () -> context.getWebServer().getPort());
        return new NettyServer(edge, address, port, ws.eventLoops(), ws.maxConnections(), ws.httpIdleTimeout(),
                ws.reusePort(), ssl, bound -> publishPort(environment, bound));
    }

    /**
     * Netty serves TLS from an SSL bundle (IMS_TLS_CERT/IMS_TLS_KEY set one, or {@code server.ssl.bundle}); TLS set up
     * any other way ({@code server.ssl.key-store}, {@code server.ssl.certificate}) would be dropped with the container's,
     * and the port would serve plain text: refuse to start instead.
     */
    static void requireBundleForTls(ConfigurableEnvironment environment, String bundle) {
        if (!bundle.isBlank() || !environment.getProperty("server.ssl.enabled", Boolean.class, true)) {
            return;
        }
        for (String key : List.of("server.ssl.key-store", "server.ssl.certificate", "server.ssl.certificate-private-key")) {
            if (environment.containsProperty(key)) {
                throw new IllegalStateException("IMS_WS_SERVER=netty serves TLS from an SSL bundle only (IMS_TLS_CERT and "
                        + "IMS_TLS_KEY, or server.ssl.bundle); " + key + " is set without one");
            }
        }
    }

    /**
     * {@code local.server.port} names the port the gateway serves on, as with Tomcat alone: the Netty server's, not the
     * container's loopback port behind it (which Boot published there when the container started).
     */
    private static void publishPort(ConfigurableEnvironment environment, int port) {
        PropertySource<?> ports = environment.getPropertySources().get(SERVER_PORTS);
        if (ports instanceof MapPropertySource map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> source = (Map<String, Object>) map.getSource();
            source.put(LOCAL_PORT, port);
        } else {
            environment.getPropertySources().addFirst(new MapPropertySource(SERVER_PORTS, new HashMap<>(Map.of(LOCAL_PORT, port))));
        }
    }

    private static final class BehindNetty implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {

        @Override
        public void customize(ConfigurableWebServerFactory factory) {
            factory.setAddress(InetAddress.getLoopbackAddress());
            factory.setPort(0);
            factory.setSsl(null);
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
