package com.ims.gateway.session;

import org.springframework.web.socket.TextMessage;

/**
 * One server frame ready to write. A delivery is turned into one instance and the SAME instance is enqueued on every
 * recipient connection, so the frame is encoded and converted once however many sockets receive it.
 *
 * @param message    the WebSocket message, shared by all recipients
 * @param bytes      UTF-8 size, counted against the per-connection byte limit
 * @param messageId  id of a delivery (for dedupe after replay and for receipts); null for control frames
 * @param persistent whether a DELIVERED receipt is reported once the frame is written
 */
public record OutboundFrame(TextMessage message, long bytes, String messageId, boolean persistent) {

    public static OutboundFrame control(String encoded) {
        return of(encoded, null, false);
    }

    public static OutboundFrame of(String encoded, String messageId, boolean persistent) {
        TextMessage message = new TextMessage(encoded);
        return new OutboundFrame(message, message.getPayloadLength(), messageId, persistent);
    }
}
