package com.ims.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.notification.Fixtures.GatewaySim;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.Keys;
import com.ims.protocol.Json;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.GatewayDelivery;
import com.ims.protocol.internal.PresenceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Many CONNECTED events arriving together are handled as one batch with the per-connection guarantees intact. */
class ConnectBatchTest extends ServiceTestBase {

    private static final int USERS = 300;
    private static final int WITH_DELIVERIES = 100;

    @Autowired
    DeliveryStore store;

    @Test
    void threeHundredConnectsAtOnceEachGetTheirReplayInOrderTheirRoleAndTheBroadcastOnce() {
        String tenant = "t-" + Fixtures.uid();
        String role = "r-" + Fixtures.uid();
        List<String> users = IntStream.range(0, USERS).mapToObj(i -> "u" + i).toList();
        try (GatewaySim gateway = GatewaySim.create()) {
            // Users 0..99 were sent two messages each while offline; then one broadcast reached nobody online.
            for (String u : users.subList(0, WITH_DELIVERIES)) {
                for (int n = 1; n <= 2; n++) {
                    Fixtures.producer().send(new ProducerRecord<>(Topics.NOTIFICATIONS, tenant, ("{\"targetType\":\"user\",\"target\":\""
                            + u + "\",\"tenant\":\"" + tenant + "\",\"id\":\"m-" + u + "-" + n + "\",\"payload\":{}}").getBytes()));
                }
            }
            Fixtures.producer().send(new ProducerRecord<>(Topics.NOTIFICATIONS, tenant,
                    ("{\"targetType\":\"all\",\"tenant\":\"" + tenant + "\",\"id\":\"b1\",\"payload\":{}}").getBytes()));
            Fixtures.producer().flush();
            // The messages and their deliveries are stored (the broadcast's message is last on the tenant's partition).
            await().atMost(WAIT).until(() -> status(tenant, "b1") != null);
            await().atMost(WAIT).until(() -> IntStream.range(0, WITH_DELIVERIES)
                    .allMatch(i -> store.openDeliveries(tenant, users.get(i), 10).size() == 2));

            long now = System.currentTimeMillis();
            for (String u : users) {
                Fixtures.producer().send(new ProducerRecord<>(Topics.PRESENCE_EVENTS, gateway.id, Json.toBytes(
                        PresenceEvent.connected(gateway.id, tenant, u, "c-" + u, List.of(role), now))));
            }
            Fixtures.producer().flush();

            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.received().stream()
                    .filter(d -> d.kind() == GatewayDelivery.Kind.REPLAY_DONE).count() == USERS);
            Map<String, List<String>> replayed = new HashMap<>();
            Map<String, Integer> doneAt = new HashMap<>();
            List<GatewayDelivery> all = gateway.received();
            for (int i = 0; i < all.size(); i++) {
                GatewayDelivery d = all.get(i);
                if (d.kind() == GatewayDelivery.Kind.PUSH) {
                    assertThat(doneAt).as("a push after its connection's REPLAY_DONE").doesNotContainKey(d.clientId());
                    replayed.computeIfAbsent(d.clientId(), c -> new ArrayList<>()).add(d.messageId());
                } else if (d.kind() == GatewayDelivery.Kind.REPLAY_DONE) {
                    doneAt.put(d.clientId(), i);
                }
            }
            for (int i = 0; i < USERS; i++) {
                String u = users.get(i);
                List<String> expected = i < WITH_DELIVERIES ? List.of("m-" + u + "-1", "m-" + u + "-2", "b1") : List.of("b1");
                assertThat(replayed.get("c-" + u)).as("replay of %s", u).containsExactlyElementsOf(expected);
                assertThat(doneAt).containsKey("c-" + u);
            }
            assertThat(roles.members(tenant, role)).containsExactlyInAnyOrderElementsOf(users);
            assertThat(store.counts(Keys.message(tenant, "b1")).values().stream().mapToLong(Long::longValue).sum())
                    .as("the broadcast materialized once per user").isEqualTo(USERS);
        }
    }

    @Test
    void whenTheBatchPathFailsEachConnectIsHandledOnItsOwn() {
        String tenant = "t-" + Fixtures.uid();
        roles.failBatchClaims(tenant, new IllegalStateException("bulk exploded"));
        try (GatewaySim gateway = GatewaySim.create()) {
            Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"ann\",\"tenant\":\"" + tenant
                    + "\",\"id\":\"m1\",\"payload\":{}}");
            await().atMost(WAIT).until(() -> store.openDeliveries(tenant, "ann", 10).size() == 1);

            Fixtures.connected(gateway.id, tenant, "ann", "c-ann", List.of("ops"));
            await().atMost(WAIT).until(() -> gateway.replayDone("c-ann"));
            assertThat(gateway.replayed("c-ann")).extracting(GatewayDelivery::messageId).containsExactly("m1");
            assertThat(roles.members(tenant, "ops")).as("learned by the per-event path").containsExactly("ann");
        }
    }
}
