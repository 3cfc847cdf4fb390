package com.ims.gateway.session;

import java.io.IOException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import com.ims.gateway.auth.AuthResult;
import com.ims.gateway.auth.WsHandshakeInterceptor;
import com.ims.gateway.inbound.ClientFrameHandler;
import com.ims.gateway.inbound.FrameAssembler;
import com.ims.gateway.metrics.GatewayMetrics;
import com.ims.gateway.presence.PresencePublisher;
import com.ims.protocol.CloseCodes;
import com.ims.protocol.FrameCodec;
import com.ims.protocol.FrameTypes;
import com.ims.support.auth.Principal;

/**
 * The {@code /ws} edge (Spring's raw WebSocket API): turns an authenticated session into a registered {@link Connection},
 * passes client frames to {@link ClientFrameHandler} and unregisters on close. Unauthenticated sessions are closed with
 * 4001 right after the upgrade, so browsers see the code.
 */
public final class GatewayWebSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayWebSocketHandler.class);
    private static final String CONNECTION_ATTRIBUTE = "ims.connection";

    private final GatewayState state;
    private final ConnectionRegistry registry;
    private final ConnectionFactory factory;
    private final ClientFrameHandler frames;
    private final PresencePublisher presence;
    private final GatewayMetrics metrics;
    private final long heartbeatInterval;
    private final long heartbeatTimeout;

    public GatewayWebSocketHandler(GatewayState state, ConnectionRegistry registry, ConnectionFactory factory,
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

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        Object auth = session.getAttributes().remove(WsHandshakeInterceptor.AUTH_ATTRIBUTE);
        if (!(auth instanceof AuthResult.Authenticated authenticated)) {
            String reason = auth instanceof AuthResult.Refused refused ? refused.reason() : "no authentication";
            log.info("handshake refused reason=\"{}\" remote={}", reason, session.getRemoteAddress());
            metrics.handshakeRefused();
            metrics.closed(CloseCodes.UNAUTHORIZED);
            session.close(status(CloseCodes.UNAUTHORIZED));
            return;
        }
        Principal principal = authenticated.principal();
        // Admitted as a whole or not at all while a drain begins (GatewayState): never a connection the drain missed.
        if (!state.admit(() -> admit(session, principal))) {
            metrics.closed(CloseCodes.SERVICE_RESTART);
            session.close(status(CloseCodes.SERVICE_RESTART));
        }
    }

    private void admit(WebSocketSession session, Principal principal) {
        long now = System.currentTimeMillis();
        Connection connection = factory.create(principal, session, now);
        session.getAttributes().put(CONNECTION_ATTRIBUTE, connection);
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

    @Override
    public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
        if (message instanceof PongMessage) {
            // RFC 6455 allows unsolicited pongs (a one-way heartbeat): no error, and no rate budget spent on them.
            return;
        }
        if (!(session.getAttributes().get(CONNECTION_ATTRIBUTE) instanceof Connection connection) || connection.isClosed()) {
            return;
        }
        long now = System.currentTimeMillis();
        FrameAssembler assembler = connection.assembler();
        // Binary parts are counted against the frame limit too, else one endless binary message would be read forever.
        FrameAssembler.Result result = message instanceof TextMessage text
                ? assembler.accept(text.getPayload(), text.isLast())
                : assembler.acceptBinary(message.getPayloadLength(), message.isLast());
        switch (result) {
            case FrameAssembler.Result.Incomplete incomplete -> {
            }
            case FrameAssembler.Result.Complete complete -> frames.handle(connection, complete.text(), now);
            case FrameAssembler.Result.BinaryComplete binary -> frames.handleBinary(connection, now);
            case FrameAssembler.Result.TooBig tooBig -> {
                log.info("frame too large, closing clientId={} userId={} bytes>{}", connection.clientId(),
                        connection.user().userId(), tooBig.bytes());
                connection.close(CloseCodes.TOO_BIG);
            }
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        log.debug("transport error session={} error={}", session.getId(), exception.toString());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
        if (!(session.getAttributes().remove(CONNECTION_ATTRIBUTE) instanceof Connection connection)) {
            return;
        }
        // DISCONNECTED only for a connection whose CONNECTED went out (presence would hear of a client it never saw).
        connection.closedAfterAnnounce(() ->
                presence.disconnected(connection.user().tenant(), connection.user().userId(), connection.clientId()));
        registry.remove(connection);
        log.debug("disconnected clientId={} userId={} code={}", connection.clientId(), connection.user().userId(),
                closeStatus.getCode());
    }

    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    private static CloseStatus status(CloseCodes code) {
        return new CloseStatus(code.code(), code.reason());
    }
}
