package com.ims.gateway.inbound;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import com.ims.gateway.metrics.GatewayMetrics;
import com.ims.gateway.receipts.ReceiptCollector;
import com.ims.gateway.session.Connection;
import com.ims.gateway.session.OutboundFrame;
import com.ims.protocol.CloseCodes;
import com.ims.protocol.Decoded;
import com.ims.protocol.Envelope;
import com.ims.protocol.ErrorCodes;
import com.ims.protocol.FrameCodec;
import com.ims.protocol.FrameTypes;

/**
 * Handles one complete client frame: rate limit first (cheapest), then decode, then {@code pong}, {@code ping} or
 * {@code ack}. A bad frame gets an {@code error} frame and the connection stays open; only flooding closes it (4008).
 * Acks are receipted for the connection's authenticated user, whatever the frame claims.
 */
public final class ClientFrameHandler {

    private static final Logger log = LoggerFactory.getLogger(ClientFrameHandler.class);
    /** Ids per ack frame; a frame is at most IMS_MAX_FRAME_BYTES anyway, this bounds the work per frame further. */
    static final int MAX_IDS_PER_ACK = 1000;
    static final int MAX_ID_LENGTH = 256;

    private final ReceiptCollector receipts;
    private final GatewayMetrics metrics;

    public ClientFrameHandler(ReceiptCollector receipts, GatewayMetrics metrics) {
        this.receipts = receipts;
        this.metrics = metrics;
    }

    public void handle(Connection connection, String text, long now) {
        if (!admitted(connection, now)) {
            return;
        }
        switch (FrameCodec.decode(text)) {
            case Decoded.Malformed malformed -> refuse(connection, ErrorCodes.BAD_MESSAGE, malformed.message(), now);
            case Decoded.Frame frame -> dispatch(connection, frame.envelope(), now);
        }
    }

    /**
     * Frames are UTF-8 JSON text (contract section 4); a binary frame is refused like any malformed one, after the same
     * rate limit, so binary frames cannot flood past it.
     */
    public void handleBinary(Connection connection, long now) {
        if (admitted(connection, now)) {
            refuse(connection, ErrorCodes.BAD_MESSAGE, "frames must be JSON text frames", now);
        }
    }

    /** Applies the rate limit: false when the frame is dropped (RATE_LIMITED error) or the connection is closing (4008). */
    private boolean admitted(Connection connection, long now) {
        return switch (connection.inbound().admit(now)) {
            case ALLOW -> true;
            case REFUSE -> {
                metrics.rateLimited();
                connection.send(error(ErrorCodes.RATE_LIMITED, "too many frames; slow down", now));
                yield false;
            }
            case DISCONNECT -> {
                metrics.rateLimited();
                log.warn("flooding client disconnected clientId={} userId={} tenant={}", connection.clientId(),
                        connection.user().userId(), connection.user().tenant());
                // After the RATE_LIMITED errors already queued, so the client learns why.
                connection.closeAfterQueued(CloseCodes.RATE_LIMITED);
                yield false;
            }
        };
    }

    private void dispatch(Connection connection, Envelope envelope, long now) {
        switch (envelope.type()) {
            case FrameTypes.PONG -> connection.pongReceived();
            case FrameTypes.PING -> connection.send(OutboundFrame.control(FrameCodec.encode(FrameTypes.PONG, now)));
            case FrameTypes.ACK -> ack(connection, envelope, now);
            default -> refuse(connection, ErrorCodes.UNKNOWN_TYPE, "unknown frame type", now);
        }
    }

    private void ack(Connection connection, Envelope envelope, long now) {
        int accepted = 0;
        if (envelope.id() != null && !envelope.id().isBlank()) {
            receipts.acked(connection.user(), envelope.id());
            accepted++;
        }
        JsonNode ids = envelope.payload().get("ids");
        if (ids != null && !ids.isNull()) {
            if (!ids.isArray() || ids.size() > MAX_IDS_PER_ACK) {
                refuse(connection, ErrorCodes.BAD_MESSAGE, "payload.ids must be an array of at most "
                        + MAX_IDS_PER_ACK + " strings", now);
                return;
            }
            for (JsonNode id : ids) {
                if (!id.isString() || id.stringValue().isBlank() || id.stringValue().length() > MAX_ID_LENGTH) {
                    refuse(connection, ErrorCodes.BAD_MESSAGE, "payload.ids must hold non-empty strings", now);
                    return;
                }
            }
            for (JsonNode id : ids) {
                receipts.acked(connection.user(), id.stringValue());
                accepted++;
            }
        }
        if (accepted == 0) {
            refuse(connection, ErrorCodes.BAD_MESSAGE, "ack needs id or payload.ids", now);
        }
    }

    private void refuse(Connection connection, String code, String message, long now) {
        metrics.badFrame();
        connection.send(error(code, message, now));
    }

    private static OutboundFrame error(String code, String message, long now) {
        return OutboundFrame.control(FrameCodec.error(code, message, now));
    }
}
