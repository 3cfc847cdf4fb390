package com.ims.notification.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.protocol.UserKey;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final RouteTable table = new RouteTable();

    @Test
    void tracksGatewaysPerUserAndPerTenantAndForgetsOnTombstone() {
        table.update(new UserKey("a", "u1"), Set.of("g1", "g2"));
        table.update(new UserKey("a", "u2"), Set.of("g2"));
        table.update(new UserKey("b", "u1"), Set.of("g3"));

        assertThat(table.gatewaysOf(new UserKey("a", "u1"))).containsExactlyInAnyOrder("g1", "g2");
        assertThat(table.gatewaysOfTenant("a")).containsExactlyInAnyOrder("g1", "g2");
        assertThat(table.gatewaysOfTenant("b")).containsExactly("g3");
        assertThat(table.onlineUsers("a")).containsExactlyInAnyOrder("u1", "u2");

        table.update(new UserKey("a", "u1"), Set.of("g2"));
        assertThat(table.gatewaysOfTenant("a")).containsExactly("g2");

        table.update(new UserKey("a", "u1"), Set.of());
        table.update(new UserKey("a", "u2"), Set.of());
        assertThat(table.isOnline(new UserKey("a", "u1"))).isFalse();
        assertThat(table.gatewaysOfTenant("a")).isEmpty();
        assertThat(table.onlineUsers("a")).isEmpty();
        assertThat(table.isOnline(new UserKey("b", "u1"))).isTrue();
    }

    @Test
    void userOneNeverMatchesUserTwelve() {
        table.update(new UserKey("a", "12"), Set.of("g1"));
        assertThat(table.isOnline(new UserKey("a", "1"))).isFalse();
        assertThat(table.gatewaysOf(new UserKey("a1", "2"))).isEmpty();
    }

    @Test
    void aStaleTombstoneDoesNotTakeTheUserOffTheGatewayItJustConnectedTo() {
        long[] now = {1_000};
        RouteTable routes = new RouteTable(() -> now[0]);
        UserKey u = new UserKey("a", "u1");
        routes.update(u, Set.of("g1"));
        routes.addGateway(u, "g2");                 // CONNECTED on g2, seen before presence's records below
        routes.update(u, Set.of());                 // the tombstone presence computed when g1 stopped
        assertThat(routes.gatewaysOf(u)).containsExactly("g2");
        assertThat(routes.onlineUsers("a")).containsExactly("u1");

        routes.update(u, Set.of("g2"));             // presence caught up: its records are authoritative again
        routes.update(u, Set.of());
        assertThat(routes.isOnline(u)).isFalse();
        assertThat(routes.gatewaysOfTenant("a")).isEmpty();
    }

    @Test
    void aPinThatPresenceNeverConfirmsLapses() {
        long[] now = {1_000};
        RouteTable routes = new RouteTable(() -> now[0]);
        UserKey u = new UserKey("a", "u1");
        routes.addGateway(u, "g2");
        routes.update(u, Set.of("g3"));
        assertThat(routes.gatewaysOf(u)).containsExactlyInAnyOrder("g2", "g3");
        now[0] += RouteTable.PIN_MILLIS;
        routes.update(u, Set.of());
        assertThat(routes.isOnline(u)).isFalse();
    }

    @Test
    void pinsThatPresenceNeverConfirmsAreDroppedByALaterConnectOncePerPinLifetime() {
        long[] now = {1_000};
        RouteTable routes = new RouteTable(() -> now[0]);
        routes.addGateway(new UserKey("a", "u1"), "g1");
        routes.addGateway(new UserKey("a", "u2"), "g1");
        assertThat(routes.pinnedUsers()).isEqualTo(2);

        now[0] += RouteTable.PIN_MILLIS;
        routes.addGateway(new UserKey("a", "u3"), "g1");  // sweeps: u1's and u2's pins lapsed
        assertThat(routes.pinnedUsers()).isEqualTo(1);
        assertThat(routes.gatewaysOf(new UserKey("a", "u1"))).containsExactly("g1"); // the route itself stays
    }
}
