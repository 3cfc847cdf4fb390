package com.ims.gateway;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import com.ims.gateway.support.GatewayTestBase;
import com.ims.gateway.support.WsTestClient;
import com.ims.protocol.Json;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.GatewayDelivery;
import com.ims.protocol.internal.ReplayPage;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTest extends GatewayTestBase {

    private static boolean hasText(WsTestClient client, String text) {
        return client.frames.stream().anyMatch(f -> text.equals(f.path("payload").path("text").asString()));
    }

    @Test
    void pushReachesEveryConnectionOfTheUserAndNobodyElse() {
        String tenant = unique("t");
        String otherTenant = unique("t");
        try (WsTestClient tab1 = WsTestClient.connect(port, token("u1", tenant));
             WsTestClient tab2 = WsTestClient.connect(port, token("u1", tenant));
             WsTestClient otherUser = WsTestClient.connect(port, token("u12", tenant));
             WsTestClient sameIdOtherTenant = WsTestClient.connect(port, token("u1", otherTenant))) {
            List.of(tab1, tab2, otherUser, sameIdOtherTenant).forEach(c -> c.awaitType("connected"));

            push(toUsers(tenant, List.of("u1"), "m-1", frame("order_update", "m-1", "for-u1")));
            tab1.awaitFrame(f -> "for-u1".equals(f.path("payload").path("text").asString()));
            tab2.awaitFrame(f -> "for-u1".equals(f.path("payload").path("text").asString()));

            // A later record to the others: once it arrived, the earlier one was routed (one partition, in order).
            push(toUsers(tenant, List.of("u12"), null, frame("notification", null, "marker")));
            push(toUsers(otherTenant, List.of("u1"), null, frame("notification", null, "marker")));
            otherUser.awaitFrame(f -> "marker".equals(f.path("payload").path("text").asString()));
            sameIdOtherTenant.awaitFrame(f -> "marker".equals(f.path("payload").path("text").asString()));
            assertThat(hasText(otherUser, "for-u1")).isFalse();
            assertThat(hasText(sameIdOtherTenant, "for-u1")).isFalse();
            assertThat(tab1.ofType("order_update")).hasSize(1);
            JsonNode delivered = tab1.ofType("order_update").getFirst();
            assertThat(delivered.path("id").asString()).isEqualTo("m-1");
        }
    }

    @Test
    void deliveryLargerThanTheContainerBuffersArrivesWholeWithItsMultiByteText() {
        // The container's per-connection buffers are small (ContainerConfig): a large frame leaves in several fragments.
        String tenant = unique("t");
        String text = "a€😀é".repeat(6_000);
        try (WsTestClient client = WsTestClient.connect(port, token("big", tenant))) {
            client.awaitType("connected");
            push(toUsers(tenant, List.of("big"), "m-big", frame("notification", "m-big", text)));
            JsonNode delivered = client.awaitFrame(f -> "m-big".equals(f.path("id").asString()));
            assertThat(delivered.path("payload").path("text").asString()).isEqualTo(text);
        }
    }

    @Test
    void aLargeDeliveryLeavesAsOneTextFrameNotAsBufferSizedFragments() throws Exception {
        // Read off the wire: the frame of the delivery must be one final text frame (FIN set, opcode 1), however small the
        // container's per-connection buffers are (EncodedTextSender).
        String tenant = unique("t");
        String text = "a€😀é".repeat(2_000);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws?token=" + token("raw", tenant) + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String response = readHeaders(in);
            assertThat(response).startsWith("HTTP/1.1 101");
            RawFrame connected = RawFrame.read(in);
            assertThat(connected.text()).contains("\"connected\"");

            push(toUsers(tenant, List.of("raw"), "m-raw", frame("notification", "m-raw", text)));

            RawFrame delivered = RawFrame.read(in);
            while (!delivered.text().contains("m-raw")) { // the session's other frames: pings (answered) and the like
                if (delivered.text().contains("\"ping\"")) {
                    sendMasked(out, "{\"type\":\"pong\"}");
                }
                delivered = RawFrame.read(in);
            }
            assertThat(delivered.fin()).as("one final frame").isTrue();
            assertThat(delivered.opcode()).as("a text frame").isEqualTo(1);
            // 2,000 × 10 UTF-8 bytes of text: 80 times the container's 256-byte WebSocket buffers, all in this frame
            assertThat(delivered.payload().length).isGreaterThan(20_000);
            JsonNode json = Json.tree(delivered.text());
            assertThat(json.path("id").asString()).isEqualTo("m-raw");
            assertThat(json.path("payload").path("text").asString()).isEqualTo(text);
        }
    }

    @Test
    void aBrowsersCompressionOfferIsDeclinedAndFramesLeaveUncompressed() throws Exception {
        // Browsers offer permessage-deflate on every connection; accepting it would keep a zlib deflater and inflater per
        // socket (tens of KB of native memory each) for small JSON frames (LeanUpgradeStrategy).
        String tenant = unique("t");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /ws?token=" + token("browser", tenant) + " HTTP/1.1\r\nHost: 127.0.0.1:"
                    + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String response = readHeaders(in);
            assertThat(response).startsWith("HTTP/1.1 101");
            assertThat(response.toLowerCase(java.util.Locale.ROOT)).doesNotContain("sec-websocket-extensions");
            RawFrame connected = RawFrame.read(in);
            assertThat(connected.compressed()).as("RSV1 (compressed) bit").isFalse();
            assertThat(Json.tree(connected.text()).path("type").asString()).isEqualTo("connected");
        }
    }

    /** A client text frame; clients must mask (RFC 6455 section 5.3), the mask here is zero. */
    private static void sendMasked(OutputStream out, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        out.write(new byte[] {(byte) 0x81, (byte) (0x80 | payload.length), 0, 0, 0, 0});
        out.write(payload);
        out.flush();
    }

    private static String readHeaders(DataInputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            headers.append((char) in.readUnsignedByte());
        }
        return headers.toString();
    }

    /** One server frame as it came off the socket (servers do not mask). */
    private record RawFrame(boolean fin, boolean compressed, int opcode, byte[] payload) {
        static RawFrame read(DataInputStream in) throws IOException {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            return new RawFrame((b0 & 0x80) != 0, (b0 & 0x40) != 0, b0 & 0x0f, payload);
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    @Test
    void allOfTenantReachesEveryConnectionOfThatTenantOnly() {
        String tenant = unique("t");
        String otherTenant = unique("t");
        try (WsTestClient a = WsTestClient.connect(port, token("a", tenant));
             WsTestClient b = WsTestClient.connect(port, token("b", tenant));
             WsTestClient outsider = WsTestClient.connect(port, token("a", otherTenant))) {
            List.of(a, b, outsider).forEach(c -> c.awaitType("connected"));
            push(new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant, List.of(), true, null, null, false, 0,
                    frame("notification", null, "broadcast")));
            a.awaitFrame(f -> "broadcast".equals(f.path("payload").path("text").asString()));
            b.awaitFrame(f -> "broadcast".equals(f.path("payload").path("text").asString()));
            push(toUsers(otherTenant, List.of("a"), null, frame("notification", null, "marker")));
            outsider.awaitFrame(f -> "marker".equals(f.path("payload").path("text").asString()));
            assertThat(hasText(outsider, "broadcast")).isFalse();
        }
    }

    @Test
    void expiredDeliveryIsDropped() {
        String tenant = unique("t");
        try (WsTestClient client = WsTestClient.connect(port, token("u", tenant))) {
            client.awaitType("connected");
            push(new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant, List.of("u"), false, null, "old", false,
                    System.currentTimeMillis() - 1000, frame("notification", "old", "stale")));
            push(toUsers(tenant, List.of("u"), null, frame("notification", null, "marker")));
            client.awaitFrame(f -> "marker".equals(f.path("payload").path("text").asString()));
            assertThat(hasText(client, "stale")).isFalse();
        }
    }

    @Test
    void syncingConnectionGetsReplayFirstThenHeldLiveDeliveriesOnceInOrder() {
        String tenant = unique("t");
        try (WsTestClient client = WsTestClient.connect(port, token("s", tenant));
             WsTestClient sibling = WsTestClient.connect(port, token("s", tenant))) {
            String clientId = client.clientId();
            sibling.awaitType("connected");
            // Live deliveries arrive while the connection is syncing: held.
            push(toUsers(tenant, List.of("s"), "live-1", frame("notification", "live-1", "live-1")));
            push(toUsers(tenant, List.of("s"), "live-2", frame("notification", "live-2", "live-2")));
            // The replay, addressed to this connection: an old message, then live-1 again (it was already stored).
            push(new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant, List.of("s"), false, clientId, "old-1", true, 0,
                    frame("notification", "old-1", "old-1")));
            push(new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant, List.of("s"), false, clientId, "live-1", true, 0,
                    frame("notification", "live-1", "live-1")));
            push(GatewayDelivery.replayDone(tenant, "s", clientId));

            client.awaitFrame(f -> "live-2".equals(f.path("id").asString()));
            List<String> ids = client.ofType("notification").stream().map(f -> f.path("id").asString()).toList();
            assertThat(ids).containsExactly("old-1", "live-1", "live-2");
            // The replay was for this connection only; the sibling gets the live ones (after its own sync timeout).
            sibling.awaitFrame(f -> "live-2".equals(f.path("id").asString()));
            assertThat(sibling.ofType("notification").stream().map(f -> f.path("id").asString()).toList())
                    .containsExactly("live-1", "live-2");
        }
    }

    @Test
    void aPagedReplayAsksForEachNextPageAfterWritingTheLastAndHoldsLiveDeliveriesUntilItsEnd() {
        String tenant = unique("t");
        try (WsTestClient client = WsTestClient.connect(port, token("pg", tenant))) {
            String clientId = client.clientId();
            JsonNode connected = presenceEvent("CONNECTED", clientId);
            assertThat(connected.path("replayPage").path("maxFrames").asInt()).as("half the 200-frame queue").isEqualTo(100);
            assertThat(connected.path("replayPage").path("maxBytes").asLong()).as("half the 256 KiB queue").isEqualTo(131_072);
            assertThat(connected.path("replayPage").path("afterSeq").asLong()).isEqualTo(-1);

            push(toUsers(tenant, List.of("pg"), "live-1", frame("notification", "live-1", "live-1")));
            push(replayed(tenant, clientId, "old-1"));
            ReplayPage next = new ReplayPage(100, 131_072, 41, 1);
            push(GatewayDelivery.replayMore(tenant, "pg", clientId, next));

            JsonNode ask = presenceEvent("REPLAY_NEXT", clientId);
            assertThat(Json.MAPPER.treeToValue(ask.path("replayPage"), ReplayPage.class)).isEqualTo(next);
            assertThat(ask.path("tenant").asString()).isEqualTo(tenant);
            assertThat(ask.path("userId").asString()).isEqualTo("pg");
            client.awaitFrame(f -> "old-1".equals(f.path("id").asString()));

            push(replayed(tenant, clientId, "old-2"));
            push(GatewayDelivery.replayDone(tenant, "pg", clientId));
            client.awaitFrame(f -> "live-1".equals(f.path("id").asString()));
            assertThat(client.ofType("notification").stream().map(f -> f.path("id").asString()).toList())
                    .containsExactly("old-1", "old-2", "live-1");
        }
    }

    private static GatewayDelivery replayed(String tenant, String clientId, String id) {
        return new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant, List.of("pg"), false, clientId, id, true, 0,
                frame("notification", id, id));
    }

    private static JsonNode presenceEvent(String kind, String clientId) {
        return kafka().readUntil(Topics.PRESENCE_EVENTS, values -> values.stream().anyMatch(v ->
                        kind.equals(v.path("kind").asString()) && clientId.equals(v.path("clientId").asString())))
                .stream().filter(v -> kind.equals(v.path("kind").asString()) && clientId.equals(v.path("clientId").asString()))
                .findFirst().orElseThrow();
    }

    @Test
    void persistentDeliveryAndClientAckProduceReceiptsForTheAuthenticatedUser() {
        String tenant = unique("t");
        try (WsTestClient client = WsTestClient.connect(port, token("r", tenant))) {
            String clientId = client.clientId();
            push(GatewayDelivery.replayDone(tenant, "r", clientId));
            push(new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant, List.of("r"), false, null, "p-1", true, 0,
                    frame("notification", "p-1", "persistent")));
            push(new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant, List.of("r"), false, null, "p-4", true, 0,
                    frame("notification", "p-4", "never acked")));
            client.awaitFrame(f -> "p-1".equals(f.path("id").asString()));
            // The frame claims another user; the receipt must name the connection's user.
            client.send("{\"type\":\"ack\",\"id\":\"p-1\",\"payload\":{\"userId\":\"someone-else\"}}");
            client.send("{\"type\":\"ack\",\"payload\":{\"ids\":[\"p-2\",\"p-3\"]}}");

            // p-4, never acked, gets its DELIVERED receipt after the hold. Whether p-1's is dropped depends on when
            // its ack lands relative to the hold (ReceiptCollectorTest covers that with a fixed clock), so not asserted.
            List<JsonNode> batches = kafka().readUntil(Topics.RECEIPTS, values -> {
                boolean delivered = values.stream().anyMatch(v -> "DELIVERED".equals(v.path("kind").asString())
                        && v.path("receipts").toString().contains("\"p-4\""));
                boolean acked = values.stream().anyMatch(v -> "ACKED".equals(v.path("kind").asString())
                        && v.path("receipts").toString().contains("\"p-3\""));
                return delivered && acked;
            });
            List<JsonNode> mine = batches.stream()
                    .flatMap(b -> b.path("receipts").valueStream().map(r -> List.of(b, r)))
                    .filter(pair -> tenant.equals(pair.get(1).path("tenant").asString()))
                    .map(pair -> (JsonNode) pair.get(0))
                    .distinct()
                    .toList();
            assertThat(mine).allSatisfy(b -> assertThat(b.path("gatewayId").asString()).isEqualTo(GATEWAY_ID));
            List<String> ackedIds = batches.stream().filter(b -> "ACKED".equals(b.path("kind").asString()))
                    .flatMap(b -> b.path("receipts").valueStream())
                    .filter(r -> tenant.equals(r.path("tenant").asString()))
                    .peek(r -> assertThat(r.path("userId").asString()).isEqualTo("r"))
                    .map(r -> r.path("messageId").asString())
                    .toList();
            assertThat(ackedIds).contains("p-1", "p-2", "p-3");
        }
    }

    @Test
    void nonPersistentDeliveryProducesNoDeliveredReceipt() {
        String tenant = unique("t");
        try (WsTestClient client = WsTestClient.connect(port, token("n", tenant))) {
            push(GatewayDelivery.replayDone(tenant, "n", client.clientId()));
            push(toUsers(tenant, List.of("n"), "np-1", frame("notification", "np-1", "volatile")));
            push(new GatewayDelivery(GatewayDelivery.Kind.PUSH, tenant, List.of("n"), false, null, "np-2", true, 0,
                    frame("notification", "np-2", "durable")));
            client.awaitFrame(f -> "np-2".equals(f.path("id").asString()));
            List<JsonNode> batches = kafka().readUntil(Topics.RECEIPTS,
                    values -> values.toString().contains("\"np-2\""));
            assertThat(batches.toString()).doesNotContain("\"np-1\"");
        }
    }

    @Test
    void presenceEventsAnnounceConnectWithRolesAndDisconnect() {
        String tenant = unique("t");
        String clientId;
        try (WsTestClient client = WsTestClient.connect(port, token("p", tenant, List.of("ops", "sales")))) {
            clientId = client.clientId();
        }
        List<JsonNode> events = kafka().readUntil(Topics.PRESENCE_EVENTS, values -> values.stream().anyMatch(v ->
                "DISCONNECTED".equals(v.path("kind").asString()) && clientId.equals(v.path("clientId").asString())));
        JsonNode connected = events.stream().filter(v -> "CONNECTED".equals(v.path("kind").asString())
                && clientId.equals(v.path("clientId").asString())).findFirst().orElseThrow();
        assertThat(connected.path("gatewayId").asString()).isEqualTo(GATEWAY_ID);
        assertThat(connected.path("tenant").asString()).isEqualTo(tenant);
        assertThat(connected.path("userId").asString()).isEqualTo("p");
        assertThat(connected.path("roles").valueStream().map(JsonNode::asString).toList()).containsExactly("ops", "sales");
        assertThat(events).anyMatch(v -> "STARTED".equals(v.path("kind").asString())
                && GATEWAY_ID.equals(v.path("gatewayId").asString()));
        assertThat(kafka().readUntil(Topics.PRESENCE_EVENTS, values -> values.stream().anyMatch(v ->
                "HEARTBEAT".equals(v.path("kind").asString()) && GATEWAY_ID.equals(v.path("gatewayId").asString()))))
                .isNotEmpty();
    }

    @Test
    void openingMoreThanTheCapClosesTheOldestWith4009() {
        String tenant = unique("t");
        try (WsTestClient first = WsTestClient.connect(port, token("c", tenant));
             WsTestClient second = WsTestClient.connect(port, token("c", tenant));
             WsTestClient third = WsTestClient.connect(port, token("c", tenant))) {
            List.of(first, second, third).forEach(c -> c.awaitType("connected"));
            try (WsTestClient fourth = WsTestClient.connect(port, token("c", tenant))) {
                fourth.awaitType("connected");
                assertThat(first.awaitClose()).isEqualTo(4009);
                assertThat(second.isOpen()).isTrue();
                assertThat(third.isOpen()).isTrue();
                assertThat(fourth.isOpen()).isTrue();
            }
        }
    }
}
