package com.ims.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.notification.Fixtures.GatewaySim;
import com.ims.notification.directory.RoleDirectory;
import com.ims.notification.store.DeliveryStore;
import com.ims.protocol.internal.GatewayDelivery;
import com.ims.protocol.internal.ReceiptBatch;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Store, replay on connect, receipts, redelivery, expiry, idempotency and broadcasts to users who were away. */
class DurableDeliveryTest extends ServiceTestBase {

    @Autowired
    DeliveryStore store;

    private static String userMessage(String tenant, String user, String id) {
        return "{\"targetType\":\"user\",\"target\":\"" + user + "\",\"tenant\":\"" + tenant + "\",\"id\":\"" + id
                + "\",\"payload\":{\"id\":\"" + id + "\"}}";
    }

    private void awaitOpen(String tenant, String user, int count) {
        await().atMost(WAIT).until(() -> store.openDeliveries(tenant, user, 10_000).size() == count);
    }

    private static List<String> ids(List<GatewayDelivery> deliveries) {
        return deliveries.stream().map(GatewayDelivery::messageId).toList();
    }

    private static List<String> replayOf(GatewaySim gateway, String clientId) {
        await().atMost(WAIT).until(() -> gateway.replayDone(clientId));
        return ids(gateway.replayed(clientId));
    }

    @Test
    void offlineUserGetsMissedMessagesOnConnectAndNothingAgainOnceAcked() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            for (String id : List.of("m1", "m2", "m3")) {
                Fixtures.sendNotification(tenant, userMessage(tenant, "u", id));
            }
            awaitOpen(tenant, "u", 3);

            Fixtures.connected(gateway.id, tenant, "u", "c1", List.of());
            assertThat(replayOf(gateway, "c1")).containsExactly("m1", "m2", "m3");
            GatewayDelivery first = gateway.replayed("c1").getFirst();
            assertThat(first.userIds()).containsExactly("u");
            assertThat(first.persistent()).isTrue();
            assertThat(frame(first).get("id").stringValue()).isEqualTo("m1");
            assertThat(frame(first).get("payload").get("id").stringValue()).isEqualTo("m1");

            Fixtures.receipts(gateway.id, ReceiptBatch.Kind.ACKED, tenant, "u", List.of("m1", "m2", "m3"));
            await().atMost(WAIT).until(() -> recipientStatus(tenant, "m3", "u").equals("ACKED"));
            assertThat(recipientStatus(tenant, "m1", "u")).isEqualTo("ACKED");

            Fixtures.connected(gateway.id, tenant, "u", "c2", List.of());
            assertThat(replayOf(gateway, "c2")).isEmpty();
        }
    }

    @Test
    void unacknowledgedMessageIsReplayedAgainOnReconnect() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            Fixtures.sendNotification(tenant, userMessage(tenant, "u", "m1"));
            awaitOpen(tenant, "u", 1);
            Fixtures.connected(gateway.id, tenant, "u", "c1", List.of());
            assertThat(replayOf(gateway, "c1")).containsExactly("m1");
            Fixtures.receipts(gateway.id, ReceiptBatch.Kind.DELIVERED, tenant, "u", List.of("m1"));
            await().atMost(WAIT).until(() -> recipientStatus(tenant, "m1", "u").equals("DELIVERED"));

            Fixtures.connected(gateway.id, tenant, "u", "c2", List.of());
            assertThat(replayOf(gateway, "c2")).containsExactly("m1");
        }
    }

    @Test
    void hundredMessagesToAnOfflineUserAreReplayedInOrderNoneLostNoneDoubled() {
        String tenant = "t-" + Fixtures.uid();
        List<String> expected = IntStream.range(0, 100).mapToObj(i -> "n" + i).toList();
        try (GatewaySim gateway = GatewaySim.create()) {
            for (String id : expected) {
                Fixtures.sendNotification(tenant, userMessage(tenant, "u", id));
            }
            awaitOpen(tenant, "u", 100);
            Fixtures.connected(gateway.id, tenant, "u", "c1", List.of());
            assertThat(replayOf(gateway, "c1")).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void repeatedIdIsStoredAndDeliveredOnceFromRestAndKafka() {
        String tenant = "t-" + Fixtures.uid();
        String token = publisher(tenant);
        try (GatewaySim gateway = GatewaySim.create()) {
            String body = "{\"targetType\":\"user\",\"target\":\"u\",\"id\":\"rest-1\",\"payload\":{\"v\":1}}";
            assertThat(post(token, body).statusCode()).isEqualTo(202);
            assertThat(post(token, body.replace("\"v\":1", "\"v\":2")).statusCode()).isEqualTo(202);
            Fixtures.sendNotification(tenant, userMessage(tenant, "u", "kafka-1"));
            Fixtures.sendNotification(tenant, userMessage(tenant, "u", "kafka-1"));
            Fixtures.sendNotification(tenant, userMessage(tenant, "u", "marker"));
            awaitOpen(tenant, "u", 3);
            // The marker is behind both repeats in the tenant's partition, so both repeats were processed by now.
            assertThat(status(tenant, "rest-1").get("recipients").asLong()).isEqualTo(1);

            Fixtures.connected(gateway.id, tenant, "u", "c1", List.of());
            List<String> replayed = replayOf(gateway, "c1");
            assertThat(replayed).containsExactly("rest-1", "kafka-1", "marker");
            assertThat(frame(gateway.replayed("c1").getFirst()).get("payload").get("v").asInt())
                    .as("the first accepted version wins").isEqualTo(1);
        }
    }

    @Test
    void aUserMessagesIdRepeatedAsARoleMessageLeavesTheOriginalAcknowledgeable() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            roles.add(tenant, "ops", "u");
            Fixtures.sendNotification(tenant, userMessage(tenant, "u", "x"));
            Fixtures.sendNotification(tenant, "{\"targetType\":\"role\",\"target\":\"ops\",\"tenant\":\"" + tenant
                    + "\",\"id\":\"x\",\"payload\":{}}");
            Fixtures.sendNotification(tenant, userMessage(tenant, "u", "marker"));
            awaitOpen(tenant, "u", 2);
            // The marker is behind the repeat in the tenant's partition, so the repeat was processed (as a duplicate).

            Fixtures.receipts(gateway.id, ReceiptBatch.Kind.ACKED, tenant, "u", List.of("x"));
            await().atMost(WAIT).until(() -> recipientStatus(tenant, "x", "u").equals("ACKED"));
            assertThat(status(tenant, "x").get("targetType").stringValue()).isEqualTo("user");
        }
    }

    @Test
    void transientMessageIsNeitherStoredNorReplayed() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                    + "\",\"id\":\"gone\",\"persistent\":false,\"payload\":{}}");
            Fixtures.sendNotification(tenant, userMessage(tenant, "u", "kept"));
            awaitOpen(tenant, "u", 1);
            assertThat(status(tenant, "gone")).isNull();
            Fixtures.connected(gateway.id, tenant, "u", "c1", List.of());
            assertThat(replayOf(gateway, "c1")).containsExactly("kept");
        }
    }

    @Test
    void messagePastItsTtlExpiresAndIsNotReplayed() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                    + "\",\"id\":\"short\",\"ttlSeconds\":1,\"payload\":{}}");
            Fixtures.sendNotification(tenant, userMessage(tenant, "u", "long"));
            await().atMost(WAIT).until(() -> recipientStatus(tenant, "short", "u").equals("EXPIRED"));
            assertThat(status(tenant, "short").get("expired").asLong()).isEqualTo(1);

            Fixtures.connected(gateway.id, tenant, "u", "c1", List.of());
            assertThat(replayOf(gateway, "c1")).containsExactly("long");
        }
    }

    @Test
    void offlineRoleMemberGetsTheRoleMessageOnConnect() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            roles.add(tenant, "ops", "amy");
            roles.add(tenant, "ops", "ben");
            online(tenant, "ben", gateway.id);
            Fixtures.sendNotification(tenant, "{\"targetType\":\"role\",\"target\":\"ops\",\"tenant\":\"" + tenant
                    + "\",\"id\":\"r1\",\"payload\":{}}");
            await().atMost(WAIT).until(() -> gateway.pushes().stream().anyMatch(d -> d.userIds().contains("ben")));
            assertThat(gateway.pushes().getFirst().userIds()).containsExactly("ben");

            Fixtures.connected(gateway.id, tenant, "amy", "c-amy", List.of());
            assertThat(replayOf(gateway, "c-amy")).containsExactly("r1");
        }
    }

    @Test
    void statusCountsFollowTheReceiptsAndForeignAcksChangeNothing() {
        String tenant = "t-" + Fixtures.uid();
        roles.addAll(tenant, "team", List.of("a", "b", "c"));
        Fixtures.sendNotification(tenant, "{\"targetType\":\"role\",\"target\":\"team\",\"tenant\":\"" + tenant
                + "\",\"id\":\"s1\",\"type\":\"order_update\",\"payload\":{}}");
        await().atMost(WAIT).until(() -> status(tenant, "s1") != null && status(tenant, "s1").get("recipients").asLong() == 3);

        Fixtures.receipts("gw", ReceiptBatch.Kind.DELIVERED, tenant, "a", List.of("s1"));
        Fixtures.receipts("gw", ReceiptBatch.Kind.ACKED, tenant, "b", List.of("s1"));
        Fixtures.receipts("gw", ReceiptBatch.Kind.ACKED, tenant, "intruder", List.of("s1", "unknown"));
        await().atMost(WAIT).until(() -> status(tenant, "s1").get("acked").asLong() == 1
                && status(tenant, "s1").get("delivered").asLong() == 2);
        JsonNode s = status(tenant, "s1");
        assertThat(s.get("id").stringValue()).isEqualTo("s1");
        assertThat(s.get("targetType").stringValue()).isEqualTo("role");
        assertThat(s.get("target").stringValue()).isEqualTo("team");
        assertThat(s.get("type").stringValue()).isEqualTo("order_update");
        assertThat(s.get("createdAt").stringValue()).isNotBlank();
        assertThat(s.get("recipients").asLong()).isEqualTo(3);
        assertThat(s.get("expired").asLong()).isZero();
        assertThat(recipientStatus(tenant, "s1", "a")).isEqualTo("DELIVERED");
        assertThat(recipientStatus(tenant, "s1", "c")).isEqualTo("PENDING");
        assertThat(recipientStatus(tenant, "s1", "intruder")).isEqualTo("HTTP 404");

        HttpResponse<String> unknown = Fixtures.http("GET", url("/api/v1/notifications/nope"), admin(tenant), null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Fixtures.json(unknown).get("error").stringValue()).isEqualTo("not_found");
        // Another tenant's admin token without ?tenant= sees its own tenant only.
        assertThat(Fixtures.http("GET", url("/api/v1/notifications/s1"), admin("other-" + tenant), null).statusCode())
                .isEqualTo(404);
        assertThat(Fixtures.http("GET", url("/api/v1/notifications/s1"), publisher(tenant), null).statusCode()).isEqualTo(403);
    }

    @Test
    void broadcastReachesUsersWhoWereAwayOnTheirNextConnectOnce() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            online(tenant, "here", gateway.id);
            Fixtures.sendNotification(tenant, "{\"targetType\":\"all\",\"tenant\":\"" + tenant + "\",\"id\":\"b1\",\"payload\":{}}");
            await().atMost(WAIT).until(() -> gateway.pushes().stream().anyMatch(d -> "b1".equals(d.messageId())));
            assertThat(status(tenant, "b1").get("recipients").asLong()).as("only the online user so far").isEqualTo(1);
            assertThat(recipientStatus(tenant, "b1", "away")).isEqualTo("PENDING");

            Fixtures.connected(gateway.id, tenant, "away", "c1", List.of());
            assertThat(replayOf(gateway, "c1")).containsExactly("b1");
            assertThat(status(tenant, "b1").get("recipients").asLong()).isEqualTo(2);

            Fixtures.sendNotification(tenant, "{\"targetType\":\"all\",\"tenant\":\"" + tenant + "\",\"id\":\"b2\",\"payload\":{}}");
            await().atMost(WAIT).until(() -> status(tenant, "b2") != null);
            Fixtures.connected(gateway.id, tenant, "away", "c2", List.of());
            assertThat(replayOf(gateway, "c2")).containsExactly("b1", "b2");

            Fixtures.receipts(gateway.id, ReceiptBatch.Kind.ACKED, tenant, "away", List.of("b1", "b2"));
            await().atMost(WAIT).until(() -> recipientStatus(tenant, "b2", "away").equals("ACKED"));
            Fixtures.connected(gateway.id, tenant, "away", "c3", List.of());
            assertThat(replayOf(gateway, "c3")).as("the watermark keeps acked broadcasts from coming back").isEmpty();
        }
    }

    @Test
    void unacknowledgedDeliveryToAnOnlineUserIsResentUntilAcked() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            online(tenant, "u", gateway.id);
            Fixtures.sendNotification(tenant, userMessage(tenant, "u", "again"));
            // redelivery-after is 5s in tests: a second send follows without an ack.
            await().atMost(WAIT).until(() -> pushesOf(gateway, "again") >= 2);
            Fixtures.receipts(gateway.id, ReceiptBatch.Kind.ACKED, tenant, "u", List.of("again"));
            await().atMost(WAIT).until(() -> recipientStatus(tenant, "again", "u").equals("ACKED"));
            // A sweep that read the delivery just before the ack may still be sending: let one sweep interval pass.
            await().pollDelay(Duration.ofSeconds(1)).atMost(WAIT).until(() -> true);
            long sent = pushesOf(gateway, "again");
            await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> pushesOf(gateway, "again") == sent);
        }
    }

    private static long pushesOf(GatewaySim gateway, String id) {
        return new ArrayList<>(gateway.pushes()).stream().filter(d -> id.equals(d.messageId())).count();
    }
}
