package com.ims.gateway.heartbeat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.ims.gateway.session.Connection;
import com.ims.gateway.session.ConnectionRegistry;
import com.ims.gateway.session.OutboundFrame;
import com.ims.protocol.CloseCodes;
import com.ims.protocol.FrameCodec;
import com.ims.protocol.FrameTypes;

/**
 * The one periodic task that looks after every connection: sends pings when each connection's own schedule says so,
 * closes with 4002 when a pong is overdue, with 4003 when the token's exp passed, and ends SYNCING when the sync timeout
 * passed. Each visit is a few field reads; writes and closes are handed to the shared pools, so the sweep never blocks.
 *
 * @implNote One task for all connections, not a timer per connection: 30,000 connections cost one scan per sweep period
 *     (about a millisecond), where 30,000 scheduled futures would cost memory and scheduler churn. Pings spread over the
 *     interval because each connection's phase starts at its own connect time.
 */
public final class HeartbeatSweeper implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatSweeper.class);

    private final ConnectionRegistry registry;
    private final long intervalMillis;
    private final long timeoutMillis;

    public HeartbeatSweeper(ConnectionRegistry registry, long intervalMillis, long timeoutMillis) {
        this.registry = registry;
        this.intervalMillis = intervalMillis;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void run() {
        try {
            sweep(System.currentTimeMillis());
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; one bad sweep must not end heartbeats for everyone.
            log.error("heartbeat sweep failed", e);
        }
    }

    void sweep(long now) {
        // One ping frame per sweep, shared by every connection due now (its timestamp is echoed by the pong).
        OutboundFrame[] ping = new OutboundFrame[1];
        registry.forEach(connection -> visit(connection, now, ping));
    }

    private void visit(Connection connection, long now, OutboundFrame[] ping) {
        if (connection.isClosed()) {
            return;
        }
        if (now >= connection.principal().expiresAt()) {
            log.info("token expired, closing clientId={} userId={} tenant={}", connection.clientId(),
                    connection.user().userId(), connection.user().tenant());
            connection.close(CloseCodes.TOKEN_EXPIRED);
            return;
        }
        long awaiting = connection.awaitingPongSince();
        if (awaiting > 0 && now - awaiting >= timeoutMillis) {
            log.info("pong timeout, closing clientId={} userId={} tenant={}", connection.clientId(),
                    connection.user().userId(), connection.user().tenant());
            connection.close(CloseCodes.PONG_TIMEOUT);
            return;
        }
        connection.releaseHandshake();
        if (connection.syncTimedOut(now)) {
            log.debug("sync timeout, released held deliveries clientId={}", connection.clientId());
        }
        if (now >= connection.nextPingAt()) {
            if (ping[0] == null) {
                ping[0] = OutboundFrame.control(FrameCodec.encode(FrameTypes.PING, now));
            }
            connection.pingSent(now, intervalMillis);
            connection.send(ping[0]);
        }
    }
}
