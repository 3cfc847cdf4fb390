package com.ims.gateway.config;


import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import com.ims.gateway.admin.DrainService;
import com.ims.gateway.auth.TokenAuthenticator;
import com.ims.gateway.delivery.DeliveryRouter;
import com.ims.gateway.heartbeat.HeartbeatSweeper;
import com.ims.gateway.inbound.ClientFrameHandler;
import com.ims.gateway.metrics.GatewayMetrics;
import com.ims.gateway.netty.NettyServer;
import com.ims.gateway.outbox.KafkaOutbox;
import com.ims.gateway.presence.PresencePublisher;
import com.ims.gateway.receipts.ReceiptCollector;
import com.ims.gateway.receipts.ReceiptFlusher;
import com.ims.gateway.session.Connection;
import com.ims.gateway.session.ConnectionFactory;
import com.ims.gateway.session.ConnectionHooks;
import com.ims.gateway.session.ConnectionRegistry;
import com.ims.gateway.session.GatewayState;
import com.ims.gateway.session.GatewayWebSocketHandler;
import com.ims.gateway.session.SocketEvents;
import com.ims.gateway.session.OutboundFrame;
import com.ims.protocol.CloseCodes;
import com.ims.protocol.internal.ReplayPage;
import com.ims.support.auth.ImsJwtDecoders;

import org.springframework.kafka.core.KafkaTemplate;

/** Wires the plain domain classes of the gateway; nothing here holds logic. */
@Configuration(proxyBeanMethods = false)
public class GatewayConfig {

    private static final Logger log = LoggerFactory.getLogger(GatewayConfig.class);

    @Bean
    GatewayIdentity gatewayIdentity(GatewayProperties properties, @Value("${server.port:8080}") int port) {
        GatewayIdentity identity = GatewayIdentity.resolve(properties.gateway().id(), port);
        log.info("gateway starting gatewayId={} devMode={}", identity.id(), properties.devMode());
        return identity;
    }

    @Bean
    JwtDecoder jwtDecoder(GatewayProperties properties) {
        return ImsJwtDecoders.create(properties.jwtSettings());
    }

    @Bean
    TokenAuthenticator tokenAuthenticator(JwtDecoder decoder) {
        return new TokenAuthenticator(decoder);
    }

    @Bean
    GatewayState gatewayState(GatewayIdentity identity) {
        return new GatewayState(identity.id());
    }

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    @Bean
    ConnectionRegistry connectionRegistry(GatewayProperties properties, GatewayMetrics metrics) {
        ConnectionRegistry registry = new ConnectionRegistry(properties.ws().maxConnectionsPerUser());
        metrics.gauge("ims.gateway.connections", "open authenticated connections", registry::size);
        metrics.gauge("ims.gateway.users", "users with at least one connection", registry::users);
        return registry;
    }

    /** Drains outbound queues. The queue behind it holds at most one task per connection (see Connection.send). */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService gatewayWriters(GatewayProperties properties) {
        int threads = properties.outbound().writerThreads();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                named("ws-writer"));
    }

    /** Closes sockets off the caller's thread: a close may wait for a write in progress. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService gatewayClosers() {
        return new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), named("ws-closer"));
    }

    /** One thread for the sweeper, the receipt flush and the lease heartbeat; none of them blocks. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService gatewayScheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, named("gateway-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    @Bean(destroyMethod = "close")
    KafkaOutbox kafkaOutbox(KafkaTemplate<String, Object> gatewayProducer) {
        return new KafkaOutbox(gatewayProducer);
    }

    @Bean
    PresencePublisher presencePublisher(KafkaOutbox outbox, GatewayIdentity identity, GatewayProperties properties) {
        return new PresencePublisher(outbox, identity.id(), properties.gateway().lease().toMillis());
    }

    @Bean
    ReceiptFlusher receiptFlusher(KafkaOutbox outbox, ScheduledExecutorService gatewayScheduler) {
        return new ReceiptFlusher(outbox, gatewayScheduler);
    }

    @Bean
    ReceiptCollector receiptCollector(GatewayIdentity identity, GatewayProperties properties, ReceiptFlusher flusher,
                                      GatewayMetrics metrics) {
        // Held DELIVERED receipts rotate on (almost) every timer flush: 9/10 of the interval absorbs the timer's jitter.
        ReceiptCollector collector = new ReceiptCollector(identity.id(), properties.receipts().maxBatch(),
                properties.receipts().flushInterval().toMillis() * 9 / 10, flusher::flushSoon);
        metrics.gauge("ims.gateway.receipts.refused", "receipts refused because too many were pending (since start)",
                collector::dropped);
        flusher.attach(collector);
        return collector;
    }

    @Bean
    ConnectionHooks connectionHooks(ReceiptCollector receipts, GatewayMetrics metrics, PresencePublisher presence) {
        return new ConnectionHooks() {
            @Override
            public void written(Connection connection, OutboundFrame frame) {
                metrics.frameWritten();
                if (frame.persistent() && frame.messageId() != null) {
                    receipts.delivered(connection.user(), frame.messageId());
                }
            }

            @Override
            public void closing(Connection connection, CloseCodes code) {
                metrics.closed(code);
            }

            @Override
            public void replayNext(Connection connection, ReplayPage page) {
                presence.replayNext(connection.user().tenant(), connection.user().userId(), connection.clientId(), page);
            }
        };
    }

    @Bean
    ConnectionFactory connectionFactory(GatewayProperties properties, ExecutorService gatewayWriters,
                                        ExecutorService gatewayClosers, ConnectionHooks hooks) {
        return new ConnectionFactory(properties, gatewayWriters, gatewayClosers, hooks);
    }

    @Bean
    ClientFrameHandler clientFrameHandler(ReceiptCollector receipts, GatewayMetrics metrics) {
        return new ClientFrameHandler(receipts, metrics);
    }

    @Bean
    SocketEvents socketEvents(GatewayState state, ConnectionRegistry registry, ConnectionFactory factory,
                              ClientFrameHandler frames, PresencePublisher presence, GatewayMetrics metrics,
                              GatewayProperties properties) {
        return new SocketEvents(state, registry, factory, frames, presence, metrics,
                properties.ws().heartbeatInterval().toMillis(), properties.ws().heartbeatTimeout().toMillis());
    }

    @Bean
    GatewayWebSocketHandler gatewayWebSocketHandler(SocketEvents events, ConnectionFactory factory) {
        return new GatewayWebSocketHandler(events, factory);
    }

    @Bean
    HeartbeatSweeper heartbeatSweeper(ConnectionRegistry registry, GatewayProperties properties) {
        return new HeartbeatSweeper(registry, properties.ws().heartbeatInterval().toMillis(),
                properties.ws().heartbeatTimeout().toMillis());
    }

    @Bean
    DeliveryRouter deliveryRouter(ConnectionRegistry registry, GatewayMetrics metrics) {
        return new DeliveryRouter(registry, metrics);
    }

    @Bean
    DrainService drainService(GatewayState state, ConnectionRegistry registry, PresencePublisher presence,
                              GatewayProperties properties, ObjectProvider<NettyServer> netty) {
        // Only with SO_REUSEPORT: a lone gateway that drains (the admin API) keeps its port for health and admin calls.
        Runnable stopListening = properties.ws().reusePort() ? () -> netty.ifAvailable(NettyServer::stopListening)
                : () -> { };
        return new DrainService(state, registry, presence, stopListening);
    }

    @Bean
    GatewayLifecycle gatewayLifecycle(GatewayProperties properties, ScheduledExecutorService gatewayScheduler,
                                      HeartbeatSweeper sweeper, PresencePublisher presence, ReceiptFlusher receipts,
                                      DrainService drain, KafkaOutbox outbox, GatewayState state) {
        return new GatewayLifecycle(properties, gatewayScheduler, sweeper, presence, receipts, drain, outbox, state);
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

}
