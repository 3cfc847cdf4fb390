package com.ims.gateway.session;

import java.util.List;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import com.ims.gateway.inbound.ClientFrameHandler;
import com.ims.gateway.metrics.GatewayMetrics;
import com.ims.gateway.presence.PresencePublisher;
import com.ims.protocol.CloseCodes;
import com.ims.protocol.FrameCodec;
import com.ims.protocol.FrameTypes;
import com.ims.support.auth.Principal;

/**
 * What a WebSocket server's edge reports about its sockets, the same on every server (Tomcat's
 * {@link GatewayWebSocketHandler}, Netty's {@code WsFrameHandler}): an authenticated socket becomes a registered
 * {@link Connection} with its {@code connected} frame and CONNECTED event, a complete client message goes to
 * {@link ClientFrameHandler}, a closed socket is unregistered with its DISCONNECTED event.
 */
public final class SocketEvents {

    private static final Logger log = LoggerFactory.getLogger(SocketEvents.class);

    private final GatewayState state;
    private final ConnectionRegistry registry;
    private final ConnectionFactory factory;
    private final ClientFrameHandler frames;
    private final PresencePublisher presence;
    private final GatewayMetrics metrics;
    private final long heartbeatInterval;
    private final long heartbeatTimeout;

    public SocketEvents(GatewayState state, ConnectionRegistry registry, ConnectionFactory factory,
                        ClientFrameHandler frames, PresencePublisher presence, GatewayMetrics metrics,
                        long heartbeatInterval, long heartbeatTimeout) {
        this.state = state;
        this.registry = registry;
        this.factory = factory;
        this.frames = frames;
        this.presence = presence;
        this.metrics = metrics;
        this.heartbeatInterval = heartbeatInterval;
        this.heartbeatTimeout = heartbeatTimeout;
    }

    /** A handshake whose token was refused: the edge closes the socket with 4001 ({@link CloseCodes#UNAUTHORIZED}). */
    public void refused(String reason, Object remote) {
        log.info("handshake refused reason=\"{}\" remote={}", reason, remote);
        metrics.handshakeRefused();
        metrics.closed(CloseCodes.UNAUTHORIZED);
    }

    /**
     * Registers an authenticated socket, built by {@code connect} once it is admitted.
     *
     * @return the connection, or null while the gateway drains: the edge closes with 1012
     */
    public Connection opened(Principal principal, Function<Principal, Connection> connect) {
        Connection[] opened = new Connection[1];
        // Admitted as a whole or not at all while a drain begins (GatewayState): never a connection the drain missed.
        if (!state.admit(() -> opened[0] = admit(principal, connect))) {
            metrics.closed(CloseCodes.SERVICE_RESTART);
            return null;
        }
        return opened[0];
    }

    private Connection admit(Principal principal, Function<Principal, Connection> connect) {
        long now = System.currentTimeMillis();
        Connection connection = connect.apply(principal);
        List<Connection> evicted = registry.register(connection);
        for (Connection old : evicted) {
            log.info("per-user connection cap passed, closing oldest clientId={} userId={} tenant={}",
                    old.clientId(), old.user().userId(), old.user().tenant());
            old.close(CloseCodes.REPLACED);
        }
        connection.send(OutboundFrame.control(FrameCodec.encode(FrameTypes.CONNECTED, null, now, connectedPayload(connection))));
        // Skipped when the connection was closed meanwhile (an operator, the per-user cap): no CONNECTED after DISCONNECTED.
        connection.announce(() -> presence.connected(principal.tenant(), principal.subject(), connection.clientId(),
                principal.roles(), connection.replayOffer()));
        metrics.connectionOpened();
        log.debug("connected clientId={} userId={} tenant={}", connection.clientId(), principal.subject(), principal.tenant());
        return connection;
    }

    private ObjectNode connectedPayload(Connection connection) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("clientId", connection.clientId());
        payload.put("userId", connection.user().userId());
        payload.put("tenant", connection.user().tenant());
        payload.put("gatewayId", state.gatewayId());
        ObjectNode heartbeat = payload.putObject("heartbeat");
        heartbeat.put("interval", heartbeatInterval);
        heartbeat.put("timeout", heartbeatTimeout);
        return payload;
    }

    /** A complete text message from the client. */
    public void text(Connection connection, String text) {
        if (!connection.isClosed()) {
            frames.handle(connection, text, System.currentTimeMillis());
        }
    }

    /** A complete binary message from the client (refused: frames are JSON text). */
    public void binary(Connection connection) {
        if (!connection.isClosed()) {
            frames.handleBinary(connection, System.currentTimeMillis());
        }
    }

    /** A client message longer than IMS_MAX_FRAME_BYTES: closed with 1009. */
    public void tooBig(Connection connection, long bytes) {
        log.info("frame too large, closing clientId={} userId={} bytes>{}", connection.clientId(),
                connection.user().userId(), bytes);
        connection.close(CloseCodes.TOO_BIG);
    }

    /** The socket closed, by either side. */
    public void closed(Connection connection, int code) {
        // DISCONNECTED only for a connection whose CONNECTED went out (presence would hear of a client it never saw).
        connection.closedAfterAnnounce(() ->
                presence.disconnected(connection.user().tenant(), connection.user().userId(), connection.clientId()));
        registry.remove(connection);
        log.debug("disconnected clientId={} userId={} code={}", connection.clientId(), connection.user().userId(), code);
    }
}
