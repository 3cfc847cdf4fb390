package com.ims.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import com.ims.gateway.admin.DrainService;
import com.ims.gateway.auth.AuthResult;
import com.ims.gateway.auth.WsHandshakeInterceptor;
import com.ims.gateway.config.GatewayProperties;
import com.ims.gateway.inbound.ClientFrameHandler;
import com.ims.gateway.metrics.GatewayMetrics;
import com.ims.gateway.outbox.KafkaOutbox;
import com.ims.gateway.presence.PresencePublisher;
import com.ims.gateway.receipts.ReceiptCollector;
import com.ims.protocol.internal.PresenceEvent;
import com.ims.support.auth.Principal;

/**
 * A handshake that passed the "still accepting" check while a drain begins: it must either finish before the drain
 * (and be closed by it with 1012, its CONNECTED before STOPPED) or not connect at all. The handshake is held inside
 * {@link ConnectionFactory#create} (it asks the session for its native session there) while the drain starts.
 */
class ConnectDrainRaceTest {

    private static final Executor DIRECT = Runnable::run;

    private final List<PresenceEvent.Kind> events = new CopyOnWriteArrayList<>();
    private final List<Integer> closes = new CopyOnWriteArrayList<>();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final CountDownLatch handshakeInside = new CountDownLatch(1);
    private final CountDownLatch letHandshakeGo = new CountDownLatch(1);

    @Test
    void aHandshakeOverlappingADrainIsClosedWith1012AndAnnouncedBeforeStopped() throws Exception {
        GatewayState state = new GatewayState("gw-race");
        state.startAccepting();
        ConnectionRegistry registry = new ConnectionRegistry(20);
        GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());
        try (KafkaOutbox outbox = new KafkaOutbox(recordingTemplate())) {
            PresencePublisher presence = new PresencePublisher(outbox, "gw-race", 15_000);
            GatewayWebSocketHandler handler = handler(state, registry, metrics, presence);
            // -1 in the closes: the listener's close (IMS_WS_REUSE_PORT), which must come before the 1012s
            DrainService drain = new DrainService(state, registry, presence, () -> closes.add(-1));

            Thread handshake = Thread.ofPlatform().start(() -> {
                try {
                    handler.afterConnectionEstablished(session());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(handshakeInside.await(10, TimeUnit.SECONDS)).as("handshake past the accepting check").isTrue();
            Thread drainer = Thread.ofPlatform().start(() -> drain.drain(Duration.ZERO));
            // Either the drain ran to its end (the race as it was), or it waits for the handshake to finish.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !drainer.isAlive() || drainer.getState() == Thread.State.WAITING);
            letHandshakeGo.countDown();
            handshake.join(10_000);
            drainer.join(10_000);

            assertThat(handshake.isAlive()).isFalse();
            assertThat(drainer.isAlive()).isFalse();
            assertThat(closes).as("the drain closed the listener, then the connection it let in")
                    .containsExactly(-1, 1012);
            await().atMost(Duration.ofSeconds(5)).until(() -> events.contains(PresenceEvent.Kind.STOPPED));
            outbox.flush(Duration.ofSeconds(5));
            assertThat(events).containsExactly(PresenceEvent.Kind.CONNECTED, PresenceEvent.Kind.STOPPED);
            assertThat(sent).as("the connected frame went out before the close").hasSize(1);
        }
    }

    @Test
    void aHandshakeBeforeTheGatewayAnnouncedStartedIsRefusedWith1012() throws Exception {
        // Presence forgets every entry of a gateway on its STARTED: a connection admitted before it would stay open while
        // presence thinks the user is gone, so the gateway takes none until STARTED is out (GatewayLifecycle).
        GatewayState state = new GatewayState("gw-start");
        ConnectionRegistry registry = new ConnectionRegistry(20);
        GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());
        letHandshakeGo.countDown(); // nothing to park here
        try (KafkaOutbox outbox = new KafkaOutbox(recordingTemplate())) {
            GatewayWebSocketHandler handler = handler(state, registry, metrics,
                    new PresencePublisher(outbox, "gw-start", 15_000));

            handler.afterConnectionEstablished(session());
            assertThat(closes).containsExactly(1012);
            assertThat(sent).isEmpty();
            assertThat(registry.size()).isZero();

            state.startAccepting();
            handler.afterConnectionEstablished(session());
            assertThat(registry.size()).isEqualTo(1);
            outbox.flush(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> events.contains(PresenceEvent.Kind.CONNECTED));
            assertThat(events).containsExactly(PresenceEvent.Kind.CONNECTED);
        }
    }

    private static GatewayWebSocketHandler handler(GatewayState state, ConnectionRegistry registry, GatewayMetrics metrics,
                                                   PresencePublisher presence) {
        ConnectionFactory factory = new ConnectionFactory(properties(), DIRECT, DIRECT, ConnectionHooks.NONE);
        return new GatewayWebSocketHandler(new SocketEvents(state, registry, factory,
                new ClientFrameHandler(new ReceiptCollector(state.gatewayId(), 100, 100, () -> { }), metrics),
                presence, metrics, 30_000, 10_000), factory);
    }

    private KafkaTemplate<String, Object> recordingTemplate() {
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of())) {
            @Override
            public CompletableFuture<SendResult<String, Object>> send(String topic, String key, Object data) {
                events.add(((PresenceEvent) data).kind());
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void flush() {
            }
        };
    }

    private static GatewayProperties properties() {
        GatewayProperties.Ws ws = new GatewayProperties.Ws(null, 65536, 20, 3, Duration.ofSeconds(5), 20,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(5), 1000,
                GatewayProperties.Ws.Server.TOMCAT, 0, 30000, Duration.ofSeconds(30), false);
        GatewayProperties.Outbound outbound = new GatewayProperties.Outbound(1000, 1 << 20, 1, Duration.ofSeconds(5));
        return new GatewayProperties(true, null, null, ws, outbound, null, null, null, null);
    }

    /** Authenticated; records frames and closes; the first native-session lookup (inside create) parks the handshake. */
    private WebSocketSession session() {
        Map<String, Object> attributes = new ConcurrentHashMap<>();
        attributes.put(WsHandshakeInterceptor.AUTH_ATTRIBUTE,
                new AuthResult.Authenticated(new Principal("u1", "t1", List.of(), Set.of(), Long.MAX_VALUE)));
        AtomicBoolean parked = new AtomicBoolean();
        return (WebSocketSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WebSocketSession.class, NativeWebSocketSession.class}, (proxy, method, args) ->
                        switch (method.getName()) {
                            case "getAttributes" -> attributes;
                            case "getNativeSession" -> {
                                if (parked.compareAndSet(false, true)) {
                                    handshakeInside.countDown();
                                    letHandshakeGo.await(10, TimeUnit.SECONDS);
                                }
                                yield null;
                            }
                            case "sendMessage" -> {
                                sent.add(String.valueOf(args[0]));
                                yield null;
                            }
                            case "close" -> {
                                closes.add(((CloseStatus) args[0]).getCode());
                                yield null;
                            }
                            case "isOpen" -> true;
                            case "getId" -> "s1";
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            case "toString" -> "test session";
                            default -> null;
                        });
    }
}
