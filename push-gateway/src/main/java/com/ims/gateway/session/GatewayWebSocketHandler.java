package com.ims.gateway.session;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

import com.ims.gateway.auth.AuthResult;
import com.ims.gateway.auth.WsHandshakeInterceptor;
import com.ims.gateway.inbound.FrameAssembler;
import com.ims.protocol.CloseCodes;

/**
 * The {@code /ws} edge on the servlet container (Spring's raw WebSocket API): joins partial client messages and reports
 * sockets to {@link SocketEvents}. Unauthenticated sessions are closed with 4001 right after the upgrade, so browsers see
 * the code.
 */
public final class GatewayWebSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayWebSocketHandler.class);
    private static final String CONNECTION_ATTRIBUTE = "ims.connection";

    private final SocketEvents events;
    private final ConnectionFactory factory;

    public GatewayWebSocketHandler(SocketEvents events, ConnectionFactory factory) {
        this.events = events;
        this.factory = factory;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        Object auth = session.getAttributes().remove(WsHandshakeInterceptor.AUTH_ATTRIBUTE);
        if (!(auth instanceof AuthResult.Authenticated authenticated)) {
            events.refused(auth instanceof AuthResult.Refused refused ? refused.reason() : "no authentication",
                    session.getRemoteAddress());
            session.close(status(CloseCodes.UNAUTHORIZED));
            return;
        }
        Connection connection = events.opened(authenticated.principal(), principal -> {
            Connection created = factory.create(principal, session, System.currentTimeMillis());
            session.getAttributes().put(CONNECTION_ATTRIBUTE, created);
            return created;
        });
        if (connection == null) {
            session.close(status(CloseCodes.SERVICE_RESTART));
        }
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
        FrameAssembler assembler = connection.assembler();
        // Binary parts are counted against the frame limit too, else one endless binary message would be read forever.
        FrameAssembler.Result result = message instanceof TextMessage text
                ? assembler.accept(text.getPayload(), text.isLast())
                : assembler.acceptBinary(message.getPayloadLength(), message.isLast());
        switch (result) {
            case FrameAssembler.Result.Incomplete incomplete -> {
            }
            case FrameAssembler.Result.Complete complete -> events.text(connection, complete.text());
            case FrameAssembler.Result.BinaryComplete binary -> events.binary(connection);
            case FrameAssembler.Result.TooBig tooBig -> events.tooBig(connection, tooBig.bytes());
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        log.debug("transport error session={} error={}", session.getId(), exception.toString());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
        if (session.getAttributes().remove(CONNECTION_ATTRIBUTE) instanceof Connection connection) {
            events.closed(connection, closeStatus.getCode());
        }
    }

    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    private static CloseStatus status(CloseCodes code) {
        return new CloseStatus(code.code(), code.reason());
    }
}
