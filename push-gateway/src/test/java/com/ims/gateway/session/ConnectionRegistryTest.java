package com.ims.gateway.session;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.ims.gateway.inbound.FrameAssembler;
import com.ims.gateway.inbound.InboundLimiter;
import com.ims.protocol.UserKey;
import com.ims.support.auth.Principal;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionRegistryTest {

    private int next;

    /** A socket whose writes and closes never run: these tests look at the registry, not the wire. */
    private static final ClientSocket SILENT = new ClientSocket() {
        @Override
        public void write(OutboundFrame frame) {
        }

        @Override
        public void close(org.springframework.web.socket.CloseStatus status) {
        }

        @Override
        public java.util.concurrent.Executor writer() {
            return r -> { };
        }

        @Override
        public java.util.concurrent.Executor closer() {
            return r -> { };
        }
    };

    private Connection connection(String tenant, String user) {
        Principal principal = new Principal(user, tenant, List.of(), Set.of(), Long.MAX_VALUE);
        return new Connection("c" + (next++), principal, SILENT, 0, 1000, 1000, 10, new OutboundQueue(10, 10_000),
                ConnectionHooks.NONE,
                InboundLimiter.create("x", InboundLimiter.sharedConfig(10), 3, Duration.ofSeconds(5)),
                new FrameAssembler(1000));
    }

    @Test
    void userKeysCompareExactlyAcrossUsersAndTenants() {
        ConnectionRegistry registry = new ConnectionRegistry(5);
        Connection one = connection("a", "1");
        registry.register(one);
        registry.register(connection("a", "12"));
        registry.register(connection("ab", "1"));
        assertThat(registry.forUser(new UserKey("a", "1"))).containsExactly(one);
        assertThat(registry.forTenant("a")).hasSize(2);
        assertThat(registry.forTenant("ab")).hasSize(1);
    }

    @Test
    void passingTheCapEvictsTheOldestAndUnindexesIt() {
        ConnectionRegistry registry = new ConnectionRegistry(2);
        Connection first = connection("t", "u");
        Connection second = connection("t", "u");
        Connection third = connection("t", "u");
        registry.register(first);
        registry.register(second);
        assertThat(registry.register(third)).containsExactly(first);
        assertThat(registry.forUser(new UserKey("t", "u"))).containsExactly(second, third);
        assertThat(registry.byClientId(first.clientId())).isNull();
        assertThat(registry.size()).isEqualTo(2);
    }

    @Test
    void removingTheLastConnectionForgetsUserAndTenant() {
        ConnectionRegistry registry = new ConnectionRegistry(2);
        Connection only = connection("t", "u");
        registry.register(only);
        registry.remove(only);
        assertThat(registry.users()).isZero();
        assertThat(registry.forTenant("t")).isEmpty();
        assertThat(registry.size()).isZero();
    }

    @Test
    void heldDeliveriesAreReleasedAfterTheReplayWithoutReplayedIds() {
        Connection c = connection("t", "u");
        OutboundFrame live1 = OutboundFrame.of("{\"id\":\"1\"}", "1", true);
        OutboundFrame live2 = OutboundFrame.of("{\"id\":\"2\"}", "2", true);
        c.deliverLive(live1);
        c.deliverLive(live2);
        assertThat(c.queuedFrames()).isZero();
        assertThat(c.state()).isEqualTo(ConnectionState.SYNCING);
        c.deliverReplay(OutboundFrame.of("{\"id\":\"1\"}", "1", true));
        assertThat(c.queuedFrames()).isEqualTo(1);
        assertThat(c.finishSync()).isTrue();
        assertThat(c.state()).isEqualTo(ConnectionState.LIVE);
        assertThat(c.queuedFrames()).isEqualTo(2);
    }
}
