package com.ims.loadgen.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.loadgen.metrics.LatencyBook;
import com.ims.loadgen.metrics.MessageTracker;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fleet against a tiny in-process WebSocket server: handshake, pings, deliveries, acks, loss, reconnects. */
class FleetSmokeTest {

    private static Fleet.Config config(Wire wire, int port, String path, int size, boolean ack) {
        return new Fleet.Config(wire, URI.create("ws://127.0.0.1:" + port + path), size, i -> "user-" + i,
                user -> "token-of-" + user, Fleet.loopbackAddresses(1, 1), 20_000, 2, 16, Duration.ofSeconds(5),
                new Backoff(50, 200, 50), Duration.ofMillis(20), ack);
    }

    @Test
    void imsClientsBecomeReadyAnswerPingsAckDeliveriesAndRecordLatency() throws Exception {
        try (TinyWsServer server = new TinyWsServer(peer -> {
            peer.send("{\"type\":\"connected\",\"timestamp\":1,\"payload\":{\"userId\":\"x\"}}");
            peer.send("{\"type\":\"ping\",\"timestamp\":12345,\"payload\":{}}");
        })) {
            LatencyBook latency = new LatencyBook();
            MessageTracker tracker = new MessageTracker();
            try (Fleet fleet = new Fleet(config(new ImsWire(), server.port(), "/ws", 5, true), latency, tracker)) {
                assertThat(fleet.connectAll(Duration.ofSeconds(10), null)).isEqualTo(5);
                assertThat(server.peers()).hasSize(5).allSatisfy(p -> assertThat(p.target).startsWith("/ws?token=token-of-user-"));

                for (TinyWsServer.Peer p : server.peers()) {
                    assertThat(p.received.poll(5, TimeUnit.SECONDS))
                            .isEqualTo("{\"type\":\"pong\",\"timestamp\":12345,\"payload\":{}}");
                }
                long now = System.currentTimeMillis();
                for (String id : List.of("m1", "m2")) {
                    tracker.expect(id, 5);
                    for (TinyWsServer.Peer p : server.peers()) {
                        p.send("{\"type\":\"notification\",\"id\":\"" + id + "\",\"timestamp\":" + now
                                + ",\"payload\":{\"id\":\"nested-not-the-envelope\"}}");
                    }
                }
                server.peers().get(0).send("{\"type\":\"notification\",\"id\":\"m1\",\"timestamp\":" + now + ",\"payload\":{}}");

                await().atMost(Duration.ofSeconds(5)).until(tracker::complete);
                assertThat(tracker.tally().lost()).isZero();
                assertThat(tracker.tally().delivered()).isEqualTo(10);
                assertThat(fleet.counters().duplicates.sum()).isEqualTo(1);
                assertThat(latency.summary().count()).isEqualTo(10);
                // every delivery (the redelivered one too) is acknowledged, batched per connection
                await().atMost(Duration.ofSeconds(5)).until(() -> fleet.counters().acksSent.sum() == 11);
                String ackFrames = String.join("\n", server.peers().get(0).received);
                assertThat(ackFrames).contains("\"type\":\"ack\"").contains("\"m1\"").contains("\"m2\"");
                assertThat(fleet.counters().ackFrames.sum()).isLessThan(11);
            }
        }
    }

    @Test
    void fragmentedFramesAreJoinedBeforeScanning() throws Exception {
        try (TinyWsServer server = new TinyWsServer(peer -> {
            peer.send("{\"type\":\"connected\",\"timestamp\":1,\"payload\":{}}");
            try {
                peer.sendFragmented("{\"type\":\"notification\",\"id\":\"frag\",\"timestamp\":" + System.currentTimeMillis()
                        + ",\"payload\":{\"text\":\"split across two frames\"}}");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        })) {
            MessageTracker tracker = new MessageTracker();
            try (Fleet fleet = new Fleet(config(new ImsWire(), server.port(), "/ws", 1, false), new LatencyBook(), tracker)) {
                fleet.connectAll(Duration.ofSeconds(10), null);
                tracker.expect("frag", 1);
                await().atMost(Duration.ofSeconds(5)).until(tracker::complete);
                assertThat(fleet.counters().malformedFrames.sum()).isZero();
            }
        }
    }

    @Test
    void socketIoClientsJoinTheNamespaceAnswerEngineIoPingsAndReadEvents() throws Exception {
        try (TinyWsServer server = new TinyWsServer(peer -> {
            peer.send("0{\"sid\":\"abc\",\"pingInterval\":25000,\"pingTimeout\":20000}");
        })) {
            MessageTracker tracker = new MessageTracker();
            LatencyBook latency = new LatencyBook();
            try (Fleet fleet = new Fleet(config(new SocketIoWire(), server.port(), "/socket.io/", 3, false), latency, tracker)) {
                Thread connecting = new Thread(() -> {
                    try {
                        fleet.connectAll(Duration.ofSeconds(10), null);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                connecting.start();
                await().atMost(Duration.ofSeconds(5)).until(() -> server.peers().size() == 3);
                for (TinyWsServer.Peer p : server.peers()) {
                    assertThat(p.target).contains("EIO=4&transport=websocket&userId=user-");
                    assertThat(p.received.poll(5, TimeUnit.SECONDS)).isEqualTo("40");
                    p.send("40{\"sid\":\"s\"}");
                    p.send("2");
                    assertThat(p.received.poll(5, TimeUnit.SECONDS)).isEqualTo("3");
                    p.send("42[\"notification\",{\"type\":\"notification\",\"id\":\"e1\",\"timestamp\":"
                            + System.currentTimeMillis() + ",\"payload\":{\"a\":[1,2,{\"b\":\"}\"}]}}]");
                }
                connecting.join(5000);
                assertThat(fleet.readyCount()).isEqualTo(3);
                tracker.expect("e1", 3);
                await().atMost(Duration.ofSeconds(5)).until(tracker::complete);
                assertThat(latency.summary().count()).isEqualTo(3);
            }
        }
    }

    @Test
    void defaultSourcesLeaveTheFirstBlockToTheKernelAndBindTheRestToFurtherLoopbackAddresses() {
        assertThat(Fleet.defaultSources(15_000, 20_000)).containsExactly((java.net.InetAddress) null);
        List<java.net.InetAddress> three = Fleet.defaultSources(45_000, 20_000);
        assertThat(three).hasSize(3);
        assertThat(three.get(1).getHostAddress()).isEqualTo("127.0.0.2");
        assertThat(three.get(2).getHostAddress()).isEqualTo("127.0.0.3");
    }

    @Test
    void droppedClientsReconnectWithBackoffAndCountTheDrop() throws Exception {
        try (TinyWsServer server = new TinyWsServer(peer -> peer.send("{\"type\":\"connected\",\"timestamp\":1,\"payload\":{}}"))) {
            try (Fleet fleet = new Fleet(config(new ImsWire(), server.port(), "/ws", 4, true), new LatencyBook(), new MessageTracker())) {
                assertThat(fleet.connectAll(Duration.ofSeconds(10), null)).isEqualTo(4);
                fleet.resetDropClock();
                List<TinyWsServer.Peer> first = List.copyOf(server.peers());
                first.forEach(TinyWsServer.Peer::drop);

                await().atMost(Duration.ofSeconds(5)).until(() -> fleet.firstDropAtMs() > 0);
                await().atMost(Duration.ofSeconds(10)).until(() -> server.peers().size() == 8 && fleet.readyCount() == 4);
                assertThat(fleet.counters().closes.sum()).isEqualTo(4);
                assertThat(fleet.counters().connectAttempts.sum()).isGreaterThanOrEqualTo(8);
            }
        }
    }
}
