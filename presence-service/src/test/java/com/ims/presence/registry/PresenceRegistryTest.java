package com.ims.presence.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.presence.lease.GatewayLeases;
import com.ims.presence.lease.LeasePolicy;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.PresenceEvent;
import com.ims.protocol.internal.UserRoute;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry's rules on their own, with an explicit clock: leases, idempotence, restarts, counts. */
class PresenceRegistryTest {

    private static final long T0 = 1_000_000;
    private final PresenceRegistry registry = new PresenceRegistry(new GatewayLeases(new LeasePolicy(15_000, 60_000)));
    private final UserKey alice = new UserKey("t", "alice");

    @Test
    void leaseIsMeasuredOnReceiptAndCappedAtTheMaximum() {
        // The gateway's own clock (at) is an hour off: the lease still counts from when we received the event.
        registry.apply(PresenceEvent.heartbeat("gw", T0 - 3_600_000, 30_000), T0);
        registry.apply(PresenceEvent.started("greedy", T0, Long.MAX_VALUE / 2), T0);

        assertThat(expiry("gw")).isEqualTo(T0 + 30_000);
        assertThat(expiry("greedy")).isEqualTo(T0 + 60_000);
        assertThat(registry.expire(T0 + 29_999).gateways()).isEmpty();
        assertThat(registry.expire(T0 + 30_000).gateways()).containsExactly("gw");
    }

    @Test
    void connectionOnAnUnknownGatewayGetsTheUnknownLeaseWhichItsConnectionsDoNotRenew() {
        registry.apply(connected("gw", "c1"), T0);
        registry.apply(connected("gw", "c2"), T0 + 10_000);

        assertThat(expiry("gw")).as("a third of the 60 s maximum, above the 15 s default").isEqualTo(T0 + 20_000);
        PresenceRegistry.Expiry expiry = registry.expire(T0 + 20_000);
        assertThat(expiry.changes()).containsExactly(new UserChange(alice, null, UserChange.Flip.OFFLINE));
        assertThat(registry.connections()).isZero();
        assertThat(registry.onlineUsers()).isZero();
    }

    @Test
    void replayedConnectAndUnknownDisconnectChangeNothing() {
        assertThat(registry.apply(connected("gw", "c1"), T0)).hasSize(1);
        assertThat(registry.apply(connected("gw", "c1"), T0 + 1)).isEmpty();
        assertThat(registry.apply(PresenceEvent.disconnected("gw", "t", "alice", "nope", T0), T0 + 2)).isEmpty();
        assertThat(registry.connections()).isEqualTo(1);
    }

    @Test
    void aReplayPageRequestChangesNoPresence() {
        registry.apply(connected("gw", "c1"), T0);
        long leaseBefore = expiry("gw");

        assertThat(registry.apply(PresenceEvent.replayNext("gw", "t", "alice", "c1", T0 + 1,
                com.ims.protocol.internal.ReplayPage.first(500, 1 << 19).next(7, 500)), T0 + 1)).isEmpty();
        assertThat(registry.apply(PresenceEvent.replayNext("other", "t", "bob", "c9", T0 + 2,
                com.ims.protocol.internal.ReplayPage.first(500, 1 << 19)), T0 + 2)).as("unknown gateway").isEmpty();
        assertThat(registry.connections()).isEqualTo(1);
        assertThat(expiry("gw")).as("no lease renewal either").isEqualTo(leaseBefore);
    }

    @Test
    void stoppedRemovesTheGatewayAndOnlyItsConnections() {
        registry.apply(connected("gw1", "c1"), T0);
        registry.apply(connected("gw2", "c2"), T0);

        List<UserChange> changes = registry.apply(PresenceEvent.stopped("gw1", T0), T0 + 1);

        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.flip()).isEqualTo(UserChange.Flip.NONE);
            assertThat(c.route().gateways()).isEqualTo(Map.of("gw2", List.of("c2")));
        });
        assertThat(registry.gateways()).extracting(GatewayView::gatewayId).containsExactly("gw2");
        assertThat(registry.connections()).isEqualTo(1);
    }

    @Test
    void restoreGivesEveryGatewayAFreshUnknownLeaseAndCountsConnections() {
        registry.restore(List.of(new UserRoute("t", "alice", Map.of("gw1", List.of("a", "b"), "gw2", List.of("c")), 1)), T0);

        assertThat(expiry("gw1")).isEqualTo(T0 + 20_000);
        assertThat(expiry("gw2")).isEqualTo(T0 + 20_000);
        assertThat(registry.connections()).isEqualTo(3);
        assertThat(registry.apply(PresenceEvent.disconnected("gw1", "t", "alice", "a", T0), T0).getFirst().route().connections())
                .isEqualTo(2);
    }

    @Test
    void aRetriedRestoreReplacesWhatAnEarlierAttemptLoaded() {
        UserKey bob = new UserKey("t", "bob");
        registry.restore(List.of(new UserRoute("t", "alice", Map.of("gw1", List.of("a", "b")), 1),
                new UserRoute("t", "bob", Map.of("gw2", List.of("c")), 1)), T0);

        // The second attempt reads the topic further: bob was tombstoned since, alice is unchanged.
        registry.restore(List.of(new UserRoute("t", "alice", Map.of("gw1", List.of("a", "b")), 1)), T0 + 1_000);

        assertThat(registry.connections()).as("not counted twice").isEqualTo(2);
        assertThat(registry.onlineUsers()).isEqualTo(1);
        assertThat(registry.find(bob)).isEmpty();
        assertThat(registry.gateways()).extracting(GatewayView::gatewayId).containsExactly("gw1");
        assertThat(expiry("gw1")).isEqualTo(T0 + 1_000 + 20_000);
    }

    @Test
    void aRestoredGatewayClaimingTheLongestLeaseOutlivesItsHeartbeatGap() {
        // Before the restart it claimed 60 s and so heartbeats every 20 s; its last heartbeat may be just before the
        // restore, so the 15 s default would expire it (and its users) before the next one.
        registry.restore(List.of(new UserRoute("t", "alice", Map.of("gw", List.of("a")), 1)), T0);

        assertThat(registry.expire(T0 + 19_999).gateways()).isEmpty();
        registry.apply(PresenceEvent.heartbeat("gw", T0 + 19_999, 60_000), T0 + 19_999);
        assertThat(registry.find(alice)).isPresent();
    }

    private PresenceEvent connected(String gateway, String clientId) {
        return PresenceEvent.connected(gateway, "t", "alice", clientId, List.of(), T0);
    }

    private long expiry(String gateway) {
        return registry.gateways().stream().filter(g -> g.gatewayId().equals(gateway)).findFirst().orElseThrow().leaseExpiresAt();
    }
}
