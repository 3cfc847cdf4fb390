package com.ims.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.notification.Fixtures.GatewaySim;
import com.ims.notification.replay.ReplayService;
import com.ims.protocol.internal.GatewayDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deliveries past the replay limit reach the user while it stays online, oldest first. */
class ReplayLimitTest extends ServiceTestBase {

    @Test
    void deliveriesPastTheReplayLimitFollowThroughRedeliveryInOrderWhileTheUserIsOnline() {
        // The context's limit is 10,000; a replay with a limit of 2 over the same store, router and running sweeper.
        ReplayService replay = new ReplayService(deliveryStore, gatewayRouter, 2, Duration.ofMillis(300), Duration.ofSeconds(10), Runnable::run);
        String tenant = "t-" + Fixtures.uid();
        List<String> ids = List.of("m1", "m2", "m3", "m4", "m5");
        try (GatewaySim gateway = GatewaySim.create()) {
            // Stored while the user was offline: no redelivery timer.
            for (String id : ids) {
                Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                        + "\",\"id\":\"" + id + "\",\"payload\":{}}");
            }
            await().atMost(WAIT).until(() -> deliveryStore.openDeliveries(tenant, "u", 10).size() == ids.size());
            online(tenant, "u", gateway.id);

            replay.replayAll(tenant, List.of(new ReplayService.Connection("u", gateway.id, "c-u", null)), Instant.now());

            await().atMost(WAIT).until(() -> gateway.replayDone("c-u"));
            assertThat(gateway.replayed("c-u")).extracting(GatewayDelivery::messageId).containsExactly("m1", "m2");
            await().atMost(WAIT).until(() -> redelivered(gateway).containsAll(ids.subList(2, 5)));
            assertThat(redelivered(gateway)).filteredOn(id -> !id.equals("m1") && !id.equals("m2"))
                    .as("the rest, oldest first").containsExactly("m3", "m4", "m5");
        }
    }

    /** Message ids pushed to the user's connections (not to one connection: not replay), each once, in arrival order. */
    private static List<String> redelivered(GatewaySim gateway) {
        List<String> out = new ArrayList<>();
        for (GatewayDelivery d : gateway.pushes()) {
            if (d.clientId() == null && d.userIds().contains("u") && !out.contains(d.messageId())) {
                out.add(d.messageId());
            }
        }
        return out;
    }
}
