package com.ims.gateway.admin;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.ims.gateway.presence.PresencePublisher;
import com.ims.gateway.session.ConnectionRegistry;
import com.ims.gateway.session.GatewayState;
import com.ims.protocol.CloseCodes;

/**
 * The one drain path (SIGTERM and {@code POST /api/v1/admin/drain}): stop accepting, tell presence the gateway is gone
 * (STOPPED), close the listening socket when another process shares the port (IMS_WS_REUSE_PORT), close every
 * connection with 1012 so clients reconnect elsewhere, and wait briefly for the closes to finish.
 */
public final class DrainService {

    private static final Logger log = LoggerFactory.getLogger(DrainService.class);

    private final GatewayState state;
    private final ConnectionRegistry registry;
    private final PresencePublisher presence;
    /** Runs before the 1012s: with SO_REUSEPORT, closes this process's listener so that they reconnect elsewhere. */
    private final Runnable stopListening;

    public DrainService(GatewayState state, ConnectionRegistry registry, PresencePublisher presence,
                        Runnable stopListening) {
        this.state = state;
        this.registry = registry;
        this.presence = presence;
        this.stopListening = stopListening;
    }

    /** @return the number of connections closed; 0 when a drain already ran */
    public int drain(Duration wait) {
        // STOPPED inside: no connect is admitted between the end of accepting and STOPPED, and every connect admitted
        // before is registered by now, so the sweep below reaches it.
        if (!state.stopAccepting(presence::stopped)) {
            return 0;
        }
        // Before the 1012s: a client that reconnects at once must reach the process that takes over, not this one.
        stopListening.run();
        int count = registry.size();
        log.info("draining gatewayId={} connections={}", state.gatewayId(), count);
        registry.forEach(c -> c.close(CloseCodes.SERVICE_RESTART));
        long deadline = System.nanoTime() + wait.toNanos();
        while (registry.size() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        log.info("drained gatewayId={} closed={} remaining={}", state.gatewayId(), count, registry.size());
        return count;
    }

    public boolean draining() {
        return state.draining();
    }
}
